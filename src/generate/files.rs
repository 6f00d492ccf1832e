//! Writing records into a series of files of bounded size, each wrapped the way its
//! vendor delivers it, so a generator keeps one record in memory at a time.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::{Error, Result};

/// The wrapping of the records of one file.
#[derive(Debug, Clone, Copy)]
pub enum Envelope {
    /// One record per line.
    Ndjson,
    /// `head`, the records separated by commas, then `tail`: a JSON array or an object
    /// with the array in one member.
    Wrapped {
        head: &'static str,
        tail: &'static str,
    },
}

/// Names the file that starts with record number `index` (from 0) written at `ts`.
pub type Namer = Box<dyn FnMut(usize, NaiveDateTime) -> PathBuf>;

/// A series of files under one folder, a new one every `per_file` records.
pub struct Chunked {
    root: PathBuf,
    envelope: Envelope,
    gzip: bool,
    per_file: usize,
    namer: Namer,
    current: Option<(PathBuf, Out)>,
    in_file: usize,
    written: usize,
    files: usize,
    /// The record being written, serialised here first so that each record reaches the
    /// file (and the compressor) in one write rather than in many small ones.
    scratch: Vec<u8>,
}

impl Chunked {
    pub fn new(
        root: &Path,
        envelope: Envelope,
        gzip: bool,
        per_file: usize,
        namer: Namer,
    ) -> Chunked {
        Chunked {
            root: root.to_path_buf(),
            envelope,
            gzip,
            per_file: per_file.max(1),
            namer,
            current: None,
            in_file: 0,
            written: 0,
            files: 0,
            scratch: Vec::with_capacity(4096),
        }
    }

    /// Appends one record, starting a new file when the current one is full.
    pub fn write(&mut self, ts: NaiveDateTime, record: &Value) -> Result<()> {
        if self.in_file == self.per_file {
            self.close()?;
        }
        let current = match self.current.take() {
            Some(current) => current,
            None => self.open(ts)?,
        };
        let (path, out) = self.current.insert(current);
        self.scratch.clear();
        if matches!(self.envelope, Envelope::Wrapped { .. }) && self.in_file > 0 {
            self.scratch.push(b',');
        }
        serde_json::to_writer(&mut self.scratch, record)?;
        if matches!(self.envelope, Envelope::Ndjson) {
            self.scratch.push(b'\n');
        }
        out.write_all(&self.scratch)
            .map_err(|err| Error::io(path.clone(), err))?;
        self.in_file += 1;
        self.written += 1;
        Ok(())
    }

    /// Closes the last file; returns the number of files written.
    pub fn finish(mut self) -> Result<usize> {
        self.close()?;
        Ok(self.files)
    }

    fn open(&mut self, ts: NaiveDateTime) -> Result<(PathBuf, Out)> {
        let path = self.root.join((self.namer)(self.written, ts));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
        }
        let file = File::create(&path).map_err(|err| Error::io(&path, err))?;
        let buffered = BufWriter::with_capacity(1 << 16, file);
        let mut out = if self.gzip {
            // The header's modification time stays 0, so the same seed gives the same bytes.
            Out::Gzip(BufWriter::with_capacity(
                1 << 20,
                GzEncoder::new(buffered, Compression::fast()),
            ))
        } else {
            Out::Plain(buffered)
        };
        if let Envelope::Wrapped { head, .. } = self.envelope {
            out.write_all(head.as_bytes())
                .map_err(|err| Error::io(&path, err))?;
        }
        self.in_file = 0;
        self.files += 1;
        Ok((path, out))
    }

    fn close(&mut self) -> Result<()> {
        let Some((path, mut out)) = self.current.take() else {
            return Ok(());
        };
        let io = |err| Error::io(&path, err);
        if let Envelope::Wrapped { tail, .. } = self.envelope {
            out.write_all(tail.as_bytes()).map_err(io)?;
        }
        out.finish().map_err(io)
    }
}

/// A file being written, plain or gzip-compressed.
enum Out {
    Plain(BufWriter<File>),
    /// Buffered in front of the compressor too, because flate2 does work per write call.
    Gzip(BufWriter<GzEncoder<BufWriter<File>>>),
}

impl Out {
    /// Writes the gzip trailer, if any, and flushes, reporting errors that a drop would
    /// swallow.
    fn finish(self) -> std::io::Result<()> {
        match self {
            Out::Plain(mut out) => out.flush(),
            Out::Gzip(out) => out
                .into_inner()
                .map_err(|err| err.into_error())?
                .finish()?
                .flush(),
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Out::Plain(out) => out.write(buf),
            Out::Gzip(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Out::Plain(out) => out.flush(),
            Out::Gzip(out) => out.flush(),
        }
    }
}
