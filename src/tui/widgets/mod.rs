//! Drawing pieces that several screens share.

pub mod cursor_table;
pub mod event_detail;
pub mod footer;
pub mod header;
pub mod histogram;
pub mod picker;
pub mod prompt;
pub mod status;
pub mod theme;
pub mod zone;
