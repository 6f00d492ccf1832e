//! The parts of the app state that each screen and overlay keeps.

pub mod events_view;
pub mod identity_list;
pub mod list_cursor;
pub mod picker;
pub mod search;
pub mod sql_console;
pub mod text_input;
pub mod trace_view;

pub use events_view::EventsView;
pub use identity_list::IdentityList;
pub use list_cursor::ListCursor;
pub use picker::Picker;
pub use sql_console::SqlConsole;
pub use text_input::TextInput;
pub use trace_view::TraceView;
