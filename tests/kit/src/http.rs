//! A real `suyuan serve` process on a free loopback port, and the requests the HTTP
//! tests send it.

use crate::cli::Cli;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `suyuan serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
}

impl Server {
    /// Serves the store in `dir`, once it says where it listens.
    pub fn start(cli: Cli, dir: &Path) -> Server {
        Server::start_with(cli, dir, &[])
    }

    /// [`Server::start`] with more `suyuan serve` flags (limits, timeouts).
    pub fn start_with(cli: Cli, dir: &Path, flags: &[&str]) -> Server {
        Server::spawn(cli, dir, flags).expect("suyuan serve exited before listening")
    }

    /// Starts a server, or `None` when it refuses to (a damaged store): then it must have
    /// exited with a named error, status 1, not a crash.
    pub fn try_start(cli: Cli, dir: &Path) -> Option<Server> {
        Server::spawn(cli, dir, &[])
    }

    fn spawn(cli: Cli, dir: &Path, flags: &[&str]) -> Option<Server> {
        let mut child = cli
            .command()
            .args(["serve", "--data"])
            .arg(dir)
            .args(["--listen", "127.0.0.1:0"])
            .args(flags)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting suyuan serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            while let Some(Ok(line)) = lines.next() {
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = tx.send(addr.to_string());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            if let Ok(base) = rx.recv_timeout(Duration::from_millis(50)) {
                break base;
            }
            if let Some(status) = child.try_wait().unwrap() {
                assert_eq!(
                    status.code(),
                    Some(1),
                    "suyuan serve failed to start: {status:?}"
                );
                return None;
            }
            assert!(
                Instant::now() < deadline,
                "suyuan serve did not report its address"
            );
        };
        Some(Server {
            child,
            base,
            dir: dir.to_path_buf(),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn kill9(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-KILL", &pid]).status().unwrap();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// A response: status, content type and body.
pub struct Resp {
    pub status: u16,
    pub ctype: String,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(500)])
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The error code of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

fn finish(r: Result<ureq::Response, ureq::Error>) -> Resp {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = resp.status();
    let ctype = resp.header("content-type").unwrap_or("").to_string();
    let mut body = Vec::new();
    resp.into_reader()
        .take(64 << 20)
        .read_to_end(&mut body)
        .unwrap();
    Resp {
        status,
        ctype,
        body,
    }
}

pub fn get(url: &str, accept: &str) -> Resp {
    finish(agent().get(url).set("Accept", accept).call())
}

fn post_request(url: &str, ctype: &str) -> ureq::Request {
    agent().post(url).set("Content-Type", ctype)
}

pub fn post_raw(url: &str, ctype: &str, body: &[u8]) -> Resp {
    finish(post_request(url, ctype).send_bytes(body))
}

pub fn post(url: &str, body: &Value) -> Resp {
    post_raw(url, "application/json", body.to_string().as_bytes())
}

/// The latest checkpoint size.
pub fn size(server: &Server) -> u64 {
    get(&server.url("/v1/checkpoint.json"), "application/json").json()["size"]
        .as_u64()
        .unwrap()
}

/// Sends raw bytes over one connection and reads the response (status, whole text).
pub fn raw(base: &str, request: &[u8]) -> (u16, String) {
    use std::io::Write;
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// A GET with a path sent exactly as given (no client-side normalization).
pub fn raw_get(base: &str, path: &str, accept: &str) -> (u16, String) {
    raw(
        base,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: {accept}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}
