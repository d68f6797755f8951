//! A tiny real HTTP server on 127.0.0.1 that plays a team channel's
//! incoming webhook: it records every request body and answers from a
//! script (a status code, or never answering at all).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the server answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Answer with this HTTP status.
    Status(u16),
    /// Read the request and never answer (the connection stays open).
    Silent,
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub content_type: String,
    pub body: String,
}

pub struct HookServer {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl HookServer {
    /// Answers the n-th request with `script[n]`, and every later one like the last.
    pub fn start(script: &[Reply]) -> Self {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = script.to_vec();
        let log = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = log.clone();
                let script = script.clone();
                // One thread per connection, so a silent reply never blocks the next.
                std::thread::spawn(move || serve(stream, &log, &script));
            }
        });
        Self { port, received }
    }

    /// `http://127.0.0.1:PORT/hook/TOKEN`.
    pub fn url(&self, token: &str) -> String {
        format!("http://127.0.0.1:{}/hook/{token}", self.port)
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Every request body so far.
    pub fn bodies(&self) -> Vec<String> {
        self.received().into_iter().map(|r| r.body).collect()
    }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<Received>>, script: &[Reply]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_owned();
    let mut length = 0usize;
    let mut content_type = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "content-type" => content_type = value.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let reply = {
        let mut log = log.lock().unwrap();
        log.push(Received {
            path,
            content_type,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        script[(log.len() - 1).min(script.len() - 1)]
    };
    match reply {
        Reply::Status(code) => {
            let answer = format!(
                "HTTP/1.1 {code} Scripted\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            );
            let _ = stream.write_all(answer.as_bytes());
            let _ = stream.flush();
        }
        Reply::Silent => {
            // Hold the connection open without a word, well past any time limit.
            std::thread::sleep(Duration::from_secs(120));
        }
    }
}
