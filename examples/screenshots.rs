//! Renders the TUI's screens of the demo case to PNG files with the TUI's own render code:
//!
//!     cargo run --example screenshots -- screenshots/
//!
//! Each screen is drawn at 120x36 on ratatui's TestBackend, and every cell's colours and
//! glyph are rasterised with DejaVu Sans Mono, loaded at run time (Debian package
//! fonts-dejavu-core).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Position;
use ratatui::style::{Color, Modifier};
use scimtrail::case::Case;
use scimtrail::tui::{Action, App, Job, keymap, ui, worker};

const FONT_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
const BOLD_FONT_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";
const FONT_PX: f32 = 16.0;
const WIDTH: u16 = 120;
const HEIGHT: u16 = 36;
const RUN_ID: &str = "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c";
/// The terminal's default colours, for cells whose colour is `Reset`.
const DEFAULT_FG: [u8; 3] = [0xd0, 0xd0, 0xd0];
const DEFAULT_BG: [u8; 3] = [0x1c, 0x1c, 0x1c];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let out_dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("screenshots"), PathBuf::from);
    let fonts = Fonts::load()?;
    std::fs::create_dir_all(&out_dir).map_err(|err| format!("{}: {err}", out_dir.display()))?;
    let temp = tempfile::TempDir::new().map_err(|err| format!("temporary directory: {err}"))?;
    let case_path = temp.path().join("demo.duckdb");
    scimtrail::demo::build(&case_path)
        .map_err(|err| format!("building the demo case failed: {err}"))?;
    let case = Case::open(&case_path).map_err(|err| err.to_string())?;
    let mut driver = Driver::new(case);

    driver.save("identities", &out_dir, &fonts)?;
    driver.press(KeyCode::Char('2'));
    driver.press(KeyCode::Char('i'));
    driver.keys(RUN_ID);
    driver.press(KeyCode::Enter);
    driver.keys("jj");
    driver.save("trace", &out_dir, &fonts)?;
    // Review: flag the deactivated agent that still acts, then open the prompt to revoke
    // carol, who is deactivated too.
    driver.press(KeyCode::Char('3'));
    driver.press(KeyCode::Char('f'));
    driver.keys("Inactive in SCIM but granting tokens in Okta");
    driver.press(KeyCode::Enter);
    // carol.diaz is the eighth row of the demo case.
    driver.keys("jjjjjjjr");
    driver.keys("Deactivated in September, still signing in");
    driver.save("review", &out_dir, &fonts)?;
    driver.press(KeyCode::Esc);
    driver.press(KeyCode::Char('4'));
    // Select the histogram's busiest slice, at the start of November, and an event below it.
    driver.keys(&"l".repeat(46));
    driver.keys("jjjjj");
    driver.save("events", &out_dir, &fonts)?;
    driver.press(KeyCode::Char('5'));
    driver.save("overview", &out_dir, &fonts)?;
    driver.press(KeyCode::Char(';'));
    driver.keys(
        "select actor_display, outcome, count(*) as events from events \
         group by all order by events desc",
    );
    driver.press(KeyCode::Enter);
    driver.save("sql", &out_dir, &fonts)?;
    driver.press(KeyCode::Char('1'));
    driver.press(KeyCode::Char('?'));
    driver.save("help", &out_dir, &fonts)?;
    driver.press(KeyCode::Esc);
    driver.press(KeyCode::Char('/'));
    driver.keys("carol");
    driver.press(KeyCode::Enter);
    driver.press(KeyCode::Char('e'));
    driver.save("explain", &out_dir, &fonts)
}

/// The app driven by key events, with each job run synchronously on the case.
struct Driver {
    case: Case,
    app: App,
}

impl Driver {
    fn new(case: Case) -> Driver {
        let mut driver = Driver {
            case,
            app: App::new("rita.reviewer".into(), "demo.duckdb".into()),
        };
        let job = driver.app.initial_job();
        driver.run(job);
        driver
    }

    fn run(&mut self, job: Job) {
        let result = worker::run_job(&self.case, job);
        self.apply(result);
    }

    fn apply(&mut self, action: Action) {
        if let Some(job) = self.app.update(action) {
            self.run(job);
        }
    }

    fn press(&mut self, code: KeyCode) {
        if let Some(action) =
            keymap::action_for(self.app.mode(), KeyEvent::new(code, KeyModifiers::NONE))
        {
            self.apply(action);
        }
    }

    fn keys(&mut self, text: &str) {
        text.chars().for_each(|c| self.press(KeyCode::Char(c)));
    }

    fn save(&self, name: &str, out_dir: &Path, fonts: &Fonts) -> Result<(), String> {
        let mut terminal =
            Terminal::new(TestBackend::new(WIDTH, HEIGHT)).map_err(|err| err.to_string())?;
        terminal
            .draw(|frame| ui::render(frame, &self.app))
            .map_err(|err| err.to_string())?;
        let cursor = self
            .app
            .mode()
            .takes_text()
            .then(|| terminal.get_cursor_position().ok())
            .flatten();
        let image = rasterise(terminal.backend().buffer(), cursor, fonts);
        let path = out_dir.join(format!("{name}.png"));
        image.write_png(&path)?;
        println!("wrote {}", path.display());
        Ok(())
    }
}

struct Fonts {
    regular: FontVec,
    bold: Option<FontVec>,
    scale: PxScale,
    cell_width: u32,
    cell_height: u32,
    ascent: f32,
}

impl Fonts {
    fn load() -> Result<Fonts, String> {
        let regular = load_font(FONT_PATH)
            .map_err(|err| format!("{err}; install the Debian package fonts-dejavu-core"))?;
        let bold = load_font(BOLD_FONT_PATH).ok();
        let scale = PxScale::from(FONT_PX);
        let scaled = regular.as_scaled(scale);
        let cell_width = scaled.h_advance(regular.glyph_id('M')).ceil() as u32;
        let cell_height = (scaled.ascent() - scaled.descent() + scaled.line_gap()).ceil() as u32;
        let ascent = scaled.ascent();
        Ok(Fonts {
            regular,
            bold,
            scale,
            cell_width,
            cell_height,
            ascent,
        })
    }
}

fn load_font(path: &str) -> Result<FontVec, String> {
    let bytes = std::fs::read(path).map_err(|err| format!("{path}: {err}"))?;
    FontVec::try_from_vec(bytes).map_err(|err| format!("{path}: {err}"))
}

struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn fill(&mut self, x: u32, y: u32, width: u32, height: u32, color: [u8; 3]) {
        for py in y..(y + height).min(self.height) {
            for px in x..(x + width).min(self.width) {
                let at = ((py * self.width + px) * 3) as usize;
                self.rgb[at..at + 3].copy_from_slice(&color);
            }
        }
    }

    /// Blends `color` over the pixel at (`x`, `y`) with `coverage` from 0 to 1.
    fn blend(&mut self, x: i32, y: i32, color: [u8; 3], coverage: f32) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
            return;
        };
        if x >= self.width || y >= self.height {
            return;
        }
        let at = ((y * self.width + x) * 3) as usize;
        let alpha = coverage.clamp(0.0, 1.0);
        for (pixel, over) in self.rgb[at..at + 3].iter_mut().zip(color) {
            let under = f32::from(*pixel);
            *pixel = (under + (f32::from(over) - under) * alpha).round() as u8;
        }
    }

    fn write_png(&self, path: &Path) -> Result<(), String> {
        let bytes = encode_png(self.width, self.height, &self.rgb)
            .map_err(|err| format!("{}: {err}", path.display()))?;
        std::fs::write(path, bytes).map_err(|err| format!("{}: {err}", path.display()))
    }
}

/// Encodes 8-bit RGB pixels as a PNG: signature, IHDR, one zlib IDAT of unfiltered rows,
/// IEND. It is written on flate2, which the crate already uses, because the `png` crate as
/// a dev-dependency changes the features of crates DuckDB's build script shares, and so
/// would make `cargo test` compile DuckDB a second time.
fn encode_png(width: u32, height: u32, rgb: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;

    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);

    let row = width as usize * 3;
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    for line in rgb.chunks(row.max(1)) {
        // Filter type 0: the row as it is.
        zlib.write_all(&[0])?;
        zlib.write_all(line)?;
    }
    let data = zlib.finish()?;

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [
        (b"IHDR", &header[..]),
        (b"IDAT", &data[..]),
        (b"IEND", &[][..]),
    ] {
        png.extend_from_slice(&(body.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(body);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(body);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    }
    Ok(png)
}

/// Draws every cell's background, then every glyph, so a wide glyph is not painted over
/// by the background of the cell it spills into.
fn rasterise(buffer: &Buffer, cursor: Option<Position>, fonts: &Fonts) -> Image {
    let area = buffer.area;
    let mut image = Image {
        width: u32::from(area.width) * fonts.cell_width,
        height: u32::from(area.height) * fonts.cell_height,
        rgb: Vec::new(),
    };
    image.rgb = vec![0; (image.width * image.height * 3) as usize];
    for pass in [Pass::Background, Pass::Glyph] {
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                let is_cursor = cursor == Some(Position::new(x, y));
                draw_cell(&mut image, buffer, (x, y), is_cursor, fonts, pass);
            }
        }
    }
    image
}

#[derive(Clone, Copy, PartialEq)]
enum Pass {
    Background,
    Glyph,
}

fn draw_cell(
    image: &mut Image,
    buffer: &Buffer,
    (x, y): (u16, u16),
    is_cursor: bool,
    fonts: &Fonts,
    pass: Pass,
) {
    let cell = &buffer[(x, y)];
    let (fg, bg) = cell_colors(cell, is_cursor);
    let left = u32::from(x) * fonts.cell_width;
    let top = u32::from(y) * fonts.cell_height;
    if pass == Pass::Background {
        image.fill(left, top, fonts.cell_width, fonts.cell_height, bg);
        return;
    }

    if let Some(c) = cell.symbol().chars().next().filter(|c| !c.is_whitespace()) {
        let bold = cell.modifier.contains(Modifier::BOLD);
        draw_glyph(image, fonts, c, bold, (left, top), fg);
    }
    if cell.modifier.contains(Modifier::UNDERLINED) {
        image.fill(left, top + fonts.cell_height - 2, fonts.cell_width, 1, fg);
    }
}

/// Returns the foreground and background of `cell`. The text cursor is drawn as a
/// reversed cell, as most terminals show a block cursor.
fn cell_colors(cell: &ratatui::buffer::Cell, is_cursor: bool) -> ([u8; 3], [u8; 3]) {
    let mut fg = rgb(cell.fg, DEFAULT_FG);
    let mut bg = rgb(cell.bg, DEFAULT_BG);
    if cell.modifier.contains(Modifier::REVERSED) != is_cursor {
        std::mem::swap(&mut fg, &mut bg);
    }
    if cell.modifier.contains(Modifier::DIM) {
        fg = [0, 1, 2].map(|i| ((u16::from(fg[i]) + u16::from(bg[i])) / 2) as u8);
    }
    (fg, bg)
}

fn draw_glyph(
    image: &mut Image,
    fonts: &Fonts,
    c: char,
    bold: bool,
    (left, top): (u32, u32),
    fg: [u8; 3],
) {
    let font = match (&fonts.bold, bold) {
        (Some(bold), true) => bold,
        _ => &fonts.regular,
    };
    let position = point(left as f32, top as f32 + fonts.ascent);
    let glyph = font
        .glyph_id(c)
        .with_scale_and_position(fonts.scale, position);
    let Some(outline) = font.outline_glyph(glyph) else {
        return;
    };
    let bounds = outline.px_bounds();
    outline.draw(|gx, gy, coverage| {
        let x = bounds.min.x as i32 + gx as i32;
        let y = bounds.min.y as i32 + gy as i32;
        image.blend(x, y, fg, coverage);
    });
}

/// Returns the colour that a typical dark terminal theme shows for `color`.
fn rgb(color: Color, default: [u8; 3]) -> [u8; 3] {
    match color {
        Color::Reset => default,
        Color::Rgb(r, g, b) => [r, g, b],
        Color::Indexed(index) => indexed(index),
        named => ANSI[ansi_index(named)],
    }
}

const ANSI: [[u8; 3]; 16] = [
    [0x1c, 0x1c, 0x1c],
    [0xe0, 0x4f, 0x4f],
    [0x5f, 0xc8, 0x5f],
    [0xe0, 0xc0, 0x4f],
    [0x4f, 0x8f, 0xe0],
    [0xc0, 0x6f, 0xd0],
    [0x4f, 0xc8, 0xd0],
    [0xb0, 0xb0, 0xb0],
    [0x58, 0x58, 0x58],
    [0xff, 0x70, 0x70],
    [0x80, 0xf0, 0x80],
    [0xff, 0xe0, 0x70],
    [0x70, 0xb0, 0xff],
    [0xe0, 0x90, 0xf0],
    [0x70, 0xf0, 0xf0],
    [0xf0, 0xf0, 0xf0],
];

fn ansi_index(color: Color) -> usize {
    match color {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        _ => 15,
    }
}

/// Returns the colour of an xterm 256-colour palette index. The palette has 16 ANSI
/// colours, a 6x6x6 cube, then 24 greys.
fn indexed(index: u8) -> [u8; 3] {
    match index {
        0..=15 => ANSI[usize::from(index)],
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            let i = index - 16;
            [level(i / 36), level(i / 6 % 6), level(i % 6)]
        }
        _ => {
            let grey = 8 + (index - 232) * 10;
            [grey, grey, grey]
        }
    }
}
