//! A span or log record mapped onto the case's event columns, following the OpenTelemetry
//! semantic conventions for generative AI (`gen_ai.*`, in the names before and after
//! semantic conventions 1.37) and for the Model Context Protocol (`mcp.*`, with the older
//! `rpc.*` JSON-RPC forms).

use serde_json::Value;

use super::span::{Signal, Telemetry};
use crate::ingest::event::{Link, LinkRole, MappedEvent, target};
use crate::ingest::timestamp::{self, EpochUnit, Parsed};
use crate::model::Outcome;

/// The agent a span runs under: its own `gen_ai.agent.*`, or an ancestor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub id: Option<String>,
    pub name: Option<String>,
}

impl Agent {
    /// The agent a span names itself, if any.
    pub fn of(item: &Telemetry) -> Option<Agent> {
        let agent = Agent {
            id: item.attr("gen_ai.agent.id"),
            name: item.attr("gen_ai.agent.name"),
        };
        (agent.id.is_some() || agent.name.is_some()).then_some(agent)
    }
}

/// Severity numbers from 17 (ERROR) up mark a failed operation.
const ERROR_SEVERITY: i64 = 17;

/// Maps one span or log record. `inherited` is the agent of the nearest ancestor span in
/// the same file, used when the span names no agent of its own.
pub fn map(item: &Telemetry, inherited: Option<&Agent>) -> Result<MappedEvent, String> {
    let (outcome, reason) = outcome(item);
    let mut event = MappedEvent {
        event_id: event_id(item),
        category: Some(category(item).to_string()),
        action: action(item),
        outcome: Some(outcome),
        reason,
        session_id: item.first_attr(&["gen_ai.conversation.id", "mcp.session.id", "session.id"]),
        correlation_id: item.trace_id.clone(),
        request_id: item.first_attr(&[
            "gen_ai.tool.call.id",
            "mcp.request.id",
            "jsonrpc.request.id",
            "rpc.jsonrpc.request_id",
            "aws.request_id",
            "gen_ai.response.id",
        ]),
        client_ip: item.attr("client.address"),
        targets: targets(item),
        links: links(item),
        ..MappedEvent::default()
    };
    set_actor(&mut event, item, inherited);
    set_times(&mut event, item)?;
    Ok(event)
}

fn event_id(item: &Telemetry) -> Option<String> {
    if item.signal == Signal::Log {
        // A log record has no id of its own; its content is its natural key.
        return None;
    }
    let span = item.span_id.as_deref()?;
    Some(match &item.trace_id {
        Some(trace) => format!("{trace}/{span}"),
        None => span.to_string(),
    })
}

fn operation(item: &Telemetry) -> Option<String> {
    item.attr("gen_ai.operation.name")
}

/// The MCP method: `mcp.method.name`, or `rpc.method` on a JSON-RPC or MCP span as
/// instrumentations wrote it before the MCP conventions.
fn mcp_method(item: &Telemetry) -> Option<String> {
    item.attr("mcp.method.name").or_else(|| {
        let system = item
            .first_attr(&["rpc.system", "rpc.system.name"])
            .unwrap_or_default()
            .to_ascii_lowercase();
        let has_mcp = item.attributes.keys().any(|k| k.starts_with("mcp."));
        (system == "jsonrpc" || system == "mcp" || has_mcp)
            .then(|| item.attr("rpc.method"))
            .flatten()
    })
}

fn tool(item: &Telemetry) -> Option<String> {
    item.first_attr(&["gen_ai.tool.name", "mcp.tool.name"])
}

fn model(item: &Telemetry) -> Option<String> {
    item.first_attr(&["gen_ai.request.model", "gen_ai.response.model"])
}

fn category(item: &Telemetry) -> &str {
    if item.signal == Signal::Log {
        "log"
    } else if mcp_method(item).is_some() {
        "mcp"
    } else if operation(item).is_some() {
        "gen_ai"
    } else {
        item.kind.as_deref().unwrap_or("span")
    }
}

/// The operation and what it acted on, as the conventions name spans: `tools/call
/// get_invoice`, `execute_tool get_invoice`, `chat gpt-4o`, `invoke_agent Billing`.
fn action(item: &Telemetry) -> String {
    if item.signal == Signal::Log {
        return item.name.clone().unwrap_or_else(|| "log".into());
    }
    let joined = |verb: String, subject: Option<String>| match subject {
        Some(subject) => format!("{verb} {subject}"),
        None => verb,
    };
    if let Some(method) = mcp_method(item) {
        let subject = tool(item).or_else(|| item.attr("gen_ai.prompt.name"));
        return joined(method, subject);
    }
    if let Some(operation) = operation(item) {
        let subject = match operation.as_str() {
            "execute_tool" => tool(item),
            "invoke_agent" | "create_agent" | "invoke_workflow" => {
                item.first_attr(&["gen_ai.agent.name", "gen_ai.agent.id"])
            }
            _ => model(item),
        };
        return joined(operation, subject);
    }
    item.name.clone().unwrap_or_else(|| "span".into())
}

/// Derives the outcome from a span's status: ERROR fails and OK succeeds. UNSET is unknown
/// unless the span carries `error.type`, which instrumentations set only on failure. A log
/// record fails from severity ERROR up.
fn outcome(item: &Telemetry) -> (Outcome, Option<String>) {
    let error_type = item.attr("error.type");
    let outcome = match item.status.as_deref() {
        Some("error") => Outcome::Failure,
        Some("ok") => Outcome::Success,
        _ if error_type.is_some() => Outcome::Failure,
        _ if item.severity.is_some_and(|s| s >= ERROR_SEVERITY) => Outcome::Failure,
        _ => Outcome::Unknown,
    };
    let reason = (outcome == Outcome::Failure)
        .then(|| item.status_message.clone().or(error_type))
        .flatten();
    (outcome, reason)
}

/// The actor: the span's agent (except on `create_agent`, where the agent is what is
/// created), else the agent of an ancestor span, else the end user, else the service.
fn set_actor(event: &mut MappedEvent, item: &Telemetry, inherited: Option<&Agent>) {
    let creates_agent = operation(item).as_deref() == Some("create_agent");
    let own = Agent::of(item).filter(|_| !creates_agent);
    let user = item.first_attr(&["enduser.id", "user.id"]);
    if let Some(agent) = own.as_ref().or(inherited) {
        event.actor_id = agent.id.clone().or_else(|| agent.name.clone());
        event.actor_alt_id = agent.name.clone().filter(|_| agent.id.is_some());
        event.actor_display = agent.name.clone();
        event.actor_type = Some("agent".into());
        if let Some(user) = user {
            event
                .links
                .push(Link::new("user", user, LinkRole::OnBehalfOf));
        }
    } else if let Some(user) = user {
        event.actor_id = Some(user);
        event.actor_alt_id = item.first_attr(&["user.email", "user.name"]);
        event.actor_display = item.first_attr(&["user.full_name", "user.name"]);
        event.actor_type = Some("user".into());
    } else if let Some(service) = service_name(item) {
        event.actor_id = Some(service.clone());
        event.actor_alt_id = item.resource_attr("service.instance.id");
        event.actor_display = Some(service);
        event.actor_type = Some("service".into());
    }
}

/// `service.name` unless it is the SDKs' placeholder for an unnamed service
/// (`unknown_service`, `unknown_service:python`), which identifies nothing.
fn service_name(item: &Telemetry) -> Option<String> {
    item.resource_attr("service.name")
        .or_else(|| item.attr("service.name"))
        .filter(|name| !name.starts_with("unknown_service"))
}

fn targets(item: &Telemetry) -> Vec<Value> {
    let mut targets = Vec::new();
    let named = |id: Option<String>, kind: &str| {
        id.map(|id| target(Some(id.clone()), Some(kind.into()), Some(id), None))
    };
    targets.extend(named(tool(item), "tool"));
    if operation(item).as_deref() == Some("create_agent")
        && let Some(agent) = Agent::of(item)
    {
        targets.push(target(
            agent.id.clone().or_else(|| agent.name.clone()),
            Some("agent".into()),
            agent.name,
            None,
        ));
    }
    if let Some(model) = model(item) {
        let provider = item.first_attr(&["gen_ai.provider.name", "gen_ai.system"]);
        let response = item
            .attr("gen_ai.response.model")
            .filter(|response| *response != model);
        let display = match provider {
            Some(provider) => format!("{provider} {model}"),
            None => model.clone(),
        };
        targets.push(target(
            Some(model),
            Some("model".into()),
            Some(display),
            response,
        ));
    }
    targets.extend(named(item.attr("gen_ai.prompt.name"), "prompt"));
    targets.extend(named(item.attr("mcp.resource.uri"), "resource"));
    targets.extend(named(item.attr("gen_ai.data_source.id"), "data_source"));
    if let Some(address) = item.attr("server.address") {
        let id = match item.attr("server.port") {
            Some(port) => format!("{address}:{port}"),
            None => address.clone(),
        };
        let kind = if mcp_method(item).is_some() {
            "mcp_server"
        } else {
            "server"
        };
        targets.push(target(Some(id), Some(kind.into()), Some(address), None));
    }
    targets
}

/// The span itself and its trace, its parent, and the spans it links to. A log record
/// belongs to the span it was emitted in.
fn links(item: &Telemetry) -> Vec<Link> {
    let mut links = Vec::new();
    if let Some(span) = &item.span_id {
        links.push(Link::new("span", span, LinkRole::Own));
    }
    if let Some(trace) = &item.trace_id {
        links.push(Link::new("trace", trace, LinkRole::Own));
    }
    if let Some(parent) = &item.parent_span_id {
        links.push(Link::new("span", parent, LinkRole::Parent));
    }
    for (trace, span) in &item.links {
        links.push(Link::new("span", span, LinkRole::Linked));
        if let Some(trace) = trace
            .as_ref()
            .filter(|t| Some(*t) != item.trace_id.as_ref())
        {
            links.push(Link::new("trace", trace, LinkRole::Linked));
        }
    }
    links
}

fn set_times(event: &mut MappedEvent, item: &Telemetry) -> Result<(), String> {
    let start = item.start.as_deref().ok_or(match item.signal {
        Signal::Span => "no start time: startTimeUnixNano (start_time) is missing or 0",
        Signal::Log => "no time: timeUnixNano and observedTimeUnixNano are missing or 0",
    })?;
    let parsed = parse_time(start)?;
    event.ts_original = start.to_string();
    event.ts = Some(parsed.utc);
    event.ts_note = parsed.note;
    event.ts_end = match item.end.as_deref() {
        Some(end) => Some(
            parse_time(end)
                .map_err(|err| format!("end time: {err}"))?
                .utc,
        ),
        None => None,
    };
    if let Some(end) = event.ts_end.filter(|end| *end < parsed.utc) {
        let early = (parsed.utc - end).to_std().unwrap_or_default();
        let note = format!("the span ends {early:?} before it starts");
        event.ts_note = Some(match event.ts_note.take() {
            Some(earlier) => format!("{earlier}; {note}"),
            None => note,
        });
    }
    Ok(())
}

/// OTLP times are nanoseconds since the epoch; SDK dumps write nanoseconds too or an
/// RFC 3339 text.
fn parse_time(text: &str) -> Result<Parsed, String> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        timestamp::parse_epoch_in(text, EpochUnit::Nanoseconds)
    } else {
        timestamp::parse(text)
    }
}
