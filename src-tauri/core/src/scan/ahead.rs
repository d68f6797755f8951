//! Reading a stream ahead of the one who uses it: a thread of its own
//! reads into a bounded number of buffers while the scan matches what was
//! read before, so the program writing the stream (`git cat-file`) never
//! waits for the matcher.
//!
//! Promises:
//! - At most `buffers` buffers of `size` bytes are alive at once, whatever
//!   the length of the stream.
//! - What is read comes out whole and in order; a read error comes out
//!   where it happened; the end of the stream is the end of the reader.
//! - Dropping the reader ends the thread as soon as its pending read
//!   returns (when the stream ends, for a pipe: when its writer is gone).

use std::io::{self, BufRead, Read};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

/// The reading end: [`Read`] and [`BufRead`] over what the thread read.
pub(super) struct Ahead {
    full: Receiver<io::Result<(Vec<u8>, usize)>>,
    empty: Sender<Vec<u8>>,
    /// The buffer being used and how much of it holds what was read.
    current: Vec<u8>,
    len: usize,
    pos: usize,
}

/// After a read of fewer than `bytes` bytes, the thread waits `pause`
/// before the next read, so that a writer that writes many small pieces
/// (git writes each object on its own) fills the pipe meanwhile and is
/// read in one go, instead of waking the thread for every piece. Only for
/// a pipe that holds more than the writer can write during `pause`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Coalesce {
    pub bytes: usize,
    pub pause: std::time::Duration,
}

/// Starts reading `source` ahead on a thread of its own, into at most
/// `buffers` buffers of `size` bytes. The handle ends with the thread.
pub(super) fn read_ahead<R: Read + Send + 'static>(
    source: R,
    buffers: usize,
    size: usize,
    coalesce: Option<Coalesce>,
) -> (Ahead, JoinHandle<()>) {
    let (full_tx, full) = channel();
    let (empty, empty_rx) = channel::<Vec<u8>>();
    let thread = std::thread::spawn(move || {
        let mut source = source;
        let mut made = 0usize;
        loop {
            let mut buf = match empty_rx.try_recv() {
                Ok(buf) => buf,
                Err(TryRecvError::Empty) if made < buffers.max(1) => {
                    made += 1;
                    vec![0; size.max(1)]
                }
                Err(TryRecvError::Empty) => match empty_rx.recv() {
                    Ok(buf) => buf,
                    Err(_) => return,
                },
                Err(TryRecvError::Disconnected) => return,
            };
            let read = loop {
                match source.read(&mut buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other,
                }
            };
            match read {
                Ok(0) => return,
                Ok(n) => {
                    if full_tx.send(Ok((buf, n))).is_err() {
                        return;
                    }
                    if let Some(c) = coalesce.filter(|c| n < c.bytes) {
                        std::thread::sleep(c.pause);
                    }
                }
                Err(e) => {
                    let _ = full_tx.send(Err(e));
                    return;
                }
            }
        }
    });
    (
        Ahead {
            full,
            empty,
            current: Vec::new(),
            len: 0,
            pos: 0,
        },
        thread,
    )
}

impl BufRead for Ahead {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.len {
            // The buffer used up goes back first: with one buffer the
            // thread needs it to read the next piece.
            let used = std::mem::take(&mut self.current);
            (self.pos, self.len) = (0, 0);
            if used.capacity() > 0 {
                let _ = self.empty.send(used);
            }
            match self.full.recv() {
                Ok(Ok((next, len))) => (self.current, self.len) = (next, len),
                Ok(Err(e)) => return Err(e),
                // The thread ended: the stream did.
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.current[self.pos..self.len])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.len);
    }
}

impl Read for Ahead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    /// An endless stream that counts what was taken from it.
    struct Counted(Arc<AtomicU64>, u8);

    impl Read for Counted {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(1000);
            out[..n].fill(self.1);
            self.1 = self.1.wrapping_add(1);
            self.0.fetch_add(n as u64, Ordering::SeqCst);
            Ok(n)
        }
    }

    #[test]
    fn the_stream_is_read_ahead_of_its_user_into_bounded_buffers() {
        let taken = Arc::new(AtomicU64::new(0));
        let (mut ahead, thread) = read_ahead(Counted(taken.clone(), 0), 4, 4096, None);
        // Nothing used yet: the thread reads on its own until every buffer is full.
        let started = Instant::now();
        while taken.load(Ordering::SeqCst) < 4000 && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(taken.load(Ordering::SeqCst), 4000, "4 reads ahead, no more");
        // What comes out is what was read, in order.
        let mut first = vec![0u8; 2500];
        ahead.read_exact(&mut first).unwrap();
        assert!(first[..1000].iter().all(|&b| b == 0));
        assert!(first[1000..2000].iter().all(|&b| b == 1));
        assert!(first[2000..].iter().all(|&b| b == 2));
        drop(ahead);
        thread.join().unwrap();
    }

    #[test]
    fn the_end_and_errors_come_out_where_they_happened() {
        let (mut ahead, thread) = read_ahead(&b"line one\nline two\n"[..], 1, 5, None);
        let mut line = String::new();
        ahead.read_line(&mut line).unwrap();
        assert_eq!(line, "line one\n");
        let mut rest = String::new();
        ahead.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "line two\n");
        thread.join().unwrap();

        struct Failing(bool);
        impl Read for Failing {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    return Err(io::Error::other("broken"));
                }
                out[..3].copy_from_slice(b"abc");
                Ok(3)
            }
        }
        let (mut ahead, thread) = read_ahead(Failing(false), 2, 16, None);
        let mut all = Vec::new();
        let err = ahead.read_to_end(&mut all).unwrap_err();
        assert_eq!(err.to_string(), "broken");
        assert_eq!(all, b"abc");
        thread.join().unwrap();
    }
}
