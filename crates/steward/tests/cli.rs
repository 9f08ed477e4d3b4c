//! End-to-end tests of the real `steward` binary: each runs the command as an operator
//! would, over HTTP on 127.0.0.1 where a server is needed. All personal data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use steward_testkit::{PgDatabase, smtp_sink};

/// How long a server may take to answer its health check.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// How long the demo may take to seed its fictional people and answer (a debug build, with
/// other tests running beside it).
const DEMO_START_TIMEOUT: Duration = Duration::from_secs(180);

/// How long a server may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------

/// The `steward` command with `args`, with no `STEWARD_*` variable leaking in from the
/// environment running the tests, and quiet logs.
fn steward<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("STEWARD_") {
            cmd.env_remove(&name);
        }
    }
    cmd.env("STEWARD_LOG", "warn").stdin(Stdio::null()).args(args);
    cmd
}

/// What a finished command printed and how it exited.
struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Out {
    /// Assert the exit code, showing both outputs when it differs.
    fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "exit code; stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// Assert the standard error contains `s`.
    fn stderr_has(&self, s: &str) -> &Self {
        assert!(self.stderr.contains(s), "stderr should contain {s:?}; it was:\n{}", self.stderr);
        self
    }

    /// Assert the standard output contains `s`.
    fn stdout_has(&self, s: &str) -> &Self {
        assert!(self.stdout.contains(s), "stdout should contain {s:?}; it was:\n{}", self.stdout);
        self
    }
}

/// Run `cmd` to completion.
fn run(cmd: &mut Command) -> Out {
    let out = cmd.output().expect("run steward");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run `cmd`, which must finish within `timeout` (it is killed otherwise).
fn run_within(cmd: &mut Command, timeout: Duration) -> Out {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn steward");
    let deadline = Instant::now() + timeout;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("steward did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `steward serve` on `dir` with its address already taken: a clean error, not a crash.
fn serve_on_a_taken_port_fails_cleanly(dir: &Path) {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let mut cmd = steward(["serve", "--data-dir", s(dir), "--listen", &addr]);
    run_within(&mut cmd, START_TIMEOUT).code(1).stderr_has(&format!("cannot listen on {addr}"));
}

/// Run `steward ARGS`.
fn cli<I, S>(args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(&mut steward(args))
}

/// A path as the `&str` an argument list needs (temporary directories are UTF-8 here).
fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// A new data directory `DIR/data` (SQLite), initialised; the temporary directory holding it
/// must outlive the test.
fn init_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    cli(["init", "--data-dir", s(&dir)]).code(0).stdout_has("Initialised");
    (tmp, dir)
}

/// Create a token with `role` through the CLI: its id and its secret.
fn create_token(dir: &Path, name: &str, role: &str) -> (String, String) {
    let out = cli(["token", "create", "--data-dir", s(dir), "--name", name, "--role", role]);
    out.code(0);
    let first = out.stdout.lines().next().expect("a first line");
    let id = first
        .strip_prefix("Created token ")
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    let secret = out.stdout.lines().last().expect("a last line").to_string();
    assert!(secret.starts_with("stw_"), "the token is alone on the last line: {}", out.stdout);
    (id, secret)
}

/// Replace the line of `steward.toml` that sets `key`.
fn set_config(dir: &Path, key: &str, value: &str) {
    let path = dir.join("steward.toml");
    let text = std::fs::read_to_string(&path).expect("read steward.toml");
    let mut found = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.split('=').next().is_some_and(|k| k.trim() == key) {
                found = true;
                format!("{key} = \"{value}\"")
            } else {
                l.to_string()
            }
        })
        .collect();
    let mut text = lines.join("\n");
    text.push('\n');
    if !found {
        text.push_str(&format!("{key} = \"{value}\"\n"));
    }
    std::fs::write(&path, text).expect("write steward.toml");
}

// ---------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------

/// An HTTP answer: status, raw body, and the body as JSON (`Null` when it is not JSON).
struct Resp {
    status: u16,
    text: String,
    json: Value,
}

impl Resp {
    fn status(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "HTTP status; body: {}", self.text);
        self
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .proxy(None)
        .build()
        .into()
}

fn read(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Resp, ureq::Error> {
    let mut resp = result?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string()?;
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(Resp { status, text, json })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn try_get(url: &str) -> Result<Resp, ureq::Error> {
    read(agent().get(url).call())
}

fn get(url: &str, token: &str) -> Resp {
    read(agent().get(url).header("Authorization", bearer(token)).call()).expect("GET")
}

fn delete(url: &str, token: &str) -> Resp {
    read(agent().delete(url).header("Authorization", bearer(token)).call()).expect("DELETE")
}

fn post(url: &str, token: &str, body: &Value) -> Resp {
    read(
        agent()
            .post(url)
            .header("Authorization", bearer(token))
            .content_type("application/json")
            .send(body.to_string()),
    )
    .expect("POST")
}

// ---------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------

/// A running `steward serve` or `steward demo`: killed when dropped, whatever happened.
/// Its standard output is read line by line; its standard error is kept, and shown if
/// the test fails.
struct Server {
    child: Child,
    base: String,
    lines: Receiver<String>,
    seen: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Start `cmd` (which must listen on 127.0.0.1:`port`) and wait until it answers its
    /// health check within `timeout`.
    fn start(mut cmd: Command, port: u16, timeout: Duration) -> Self {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn steward");
        let stdout = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let mut server = Self { child, base: format!("http://127.0.0.1:{port}"), lines, seen: Vec::new(), stderr };
        server.wait_healthy(timeout);
        server
    }

    /// `steward serve --data-dir DIR --listen 127.0.0.1:PORT`, started and healthy.
    fn serve(dir: &Path) -> Self {
        let port = free_port();
        let cmd = steward(["serve", "--data-dir", s(dir), "--listen", &format!("127.0.0.1:{port}")]);
        Self::start(cmd, port, START_TIMEOUT)
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Poll `GET /api/v1/health` until it answers 200; the health body.
    fn wait_healthy(&mut self, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        let url = self.url("/api/v1/health");
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("steward exited ({status}) before answering; stderr:\n{}", self.stderr_text());
            }
            if let Ok(r) = try_get(&url)
                && r.status == 200
            {
                return r.json;
            }
            assert!(Instant::now() < deadline, "no healthy answer from {url} within {timeout:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The first line of standard output (from the start) matching `pred`.
    fn wait_line(&mut self, pred: impl Fn(&str) -> bool, timeout: Duration) -> String {
        if let Some(l) = self.seen.iter().find(|l| pred(l)) {
            return l.clone();
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if pred(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("no such line within {timeout:?}; got {:?}", self.seen),
                Err(RecvTimeoutError::Disconnected) => panic!("steward closed its output; got {:?}", self.seen),
            }
        }
    }

    /// Stop with SIGTERM (a graceful shutdown) and return the exit status.
    fn stop(&mut self) -> ExitStatus {
        if let Ok(Some(status)) = self.child.try_wait() {
            return status;
        }
        let sent = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for steward") {
                return status;
            }
            assert!(Instant::now() < deadline, "steward did not stop within {STOP_TIMEOUT:?} of SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stop with SIGTERM and assert the shutdown was clean.
    fn stop_cleanly(&mut self) {
        let status = self.stop();
        assert!(status.success(), "steward exited with {status} on SIGTERM; stderr:\n{}", self.stderr_text());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- stderr of steward at {} ---\n{}", self.base, self.stderr_text());
        }
    }
}

// ---------------------------------------------------------------------------------
// Fictional people
// ---------------------------------------------------------------------------------

fn jane() -> Value {
    json!({
        "given_name": "Jane",
        "family_name": "Smith",
        "date_of_birth": "1980-01-31",
        "emails": ["jane@example.org"],
        "phones": ["07700 900123"],
        "identifiers": {"ni_number": "AB123456C", "nhs_number": "943 476 5919"},
        "categories": ["tenant"]
    })
}

fn mohammed() -> Value {
    json!({
        "given_name": "Mohammed",
        "family_name": "Khan",
        "date_of_birth": "1975-06-15",
        "emails": ["m.khan@example.net"],
        "phones": ["020 7946 0958"],
        "categories": ["applicant"]
    })
}

/// Jane's personal data, as entered and as normalised: none may be stored in clear.
const JANE_CLEAR: [&str; 8] =
    ["Jane", "Smith", "jane@example.org", "+447700900123", "07700", "AB123456C", "9434765919", "1980-01-31"];

/// Create a subject through the API; its id.
fn create_subject(server: &Server, token: &str, body: &Value) -> String {
    let r = post(&server.url("/api/v1/subjects"), token, body);
    r.status(201);
    r.json["id"].as_str().expect("subject id").to_string()
}

/// Assert none of Jane's personal data is in `bytes` (case-insensitive, over lossy UTF-8).
fn assert_no_jane(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).to_lowercase();
    for needle in JANE_CLEAR {
        assert!(!text.contains(&needle.to_lowercase()), "{what} holds {needle:?} in clear");
    }
}

// ---------------------------------------------------------------------------------
// 1. init
// ---------------------------------------------------------------------------------

#[test]
fn init_writes_a_retention_schedule_template_that_is_checked_on_every_start() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    cli(["init", "--data-dir", s(&dir), "--template", "family-support-charity"])
        .code(0)
        .stdout_has("retention schedule: family-support-charity");
    let schedule = dir.join("retention-schedule.toml");
    let text = std::fs::read_to_string(&schedule).expect("the schedule file");
    assert!(text.contains("id = \"volunteer-file\""), "the template's record types are there");
    cli(["retention", "check", "--data-dir", s(&dir)]).code(0).stdout_has("record types");

    // A mistake is named by record type and field, and stops the server starting.
    std::fs::write(&schedule, text.replace("2 years after left", "2 fortnights after left")).expect("edit");
    cli(["retention", "check", "--data-dir", s(&dir)]).code(1).stderr_has("volunteer-file").stderr_has("rule");
    cli(["token", "list", "--data-dir", s(&dir)]).code(1).stderr_has("not a valid retention schedule");

    // An unknown template is a usage error that lists the templates; nothing is created.
    let other = tmp.path().join("other");
    cli(["init", "--data-dir", s(&other), "--template", "hospital"]).code(2).stderr_has("generic");
    assert!(!other.exists(), "a refused init creates nothing");
    // The default is the generic template.
    let plain = tmp.path().join("plain");
    cli(["init", "--data-dir", s(&plain)]).code(0).stdout_has("retention schedule: generic");
}

#[test]
fn records_import_checks_every_row_then_imports_all_or_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    cli(["init", "--data-dir", s(&dir), "--template", "family-support-charity"]).code(0);
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "\u{feff}record_type,reference,event:started,event:left\r\n\
         volunteer-file,VOL-1,2019-01-07,15/03/2024\r\n\
         volunteer-file,VOL-2,2019-01-07,31/02/2024\r\n\
         filing-cabinet,X-1,,\r\n",
    )
    .unwrap();
    cli(["records", "import", "--data-dir", s(&dir), s(&bad)])
        .code(1)
        .stdout_has("line 3: event:left: is not a date")
        .stdout_has("line 4: record_type: 'filing-cabinet' is not a record type")
        .stderr_has("2 of 3 rows have problems; nothing was imported");

    let good = dir.join("good.csv");
    std::fs::write(&good, "record_type,reference,event:left\nvolunteer-file,VOL-1,2024-03-15\nboard-minutes,BM-1,\n")
        .unwrap();
    cli(["records", "import", "--dry-run", "--data-dir", s(&dir), s(&good)])
        .code(0)
        .stdout_has("2 rows, 2 without problems")
        .stdout_has("volunteer-file: 1")
        .stdout_has("dry run: nothing was written");
    cli(["records", "import", "--data-dir", s(&dir), s(&good)]).code(0).stdout_has("imported 2 records");

    cli(["records", "import", "--data-dir", s(&dir), s(&dir.join("missing.csv"))]).code(1).stderr_has("cannot read");
    std::fs::write(&bad, "type\nvolunteer-file\n").unwrap();
    cli(["records", "import", "--data-dir", s(&dir), s(&bad)]).code(1).stderr_has("record_type is missing");
}

/// `steward import ropa` then `steward export ropa`: a dry run writes nothing, the import
/// adds the activities, the export (CSV to a file, XLSX to standard output) imports back
/// with no change, and a file with an unknown basis is refused naming its row and column.
#[test]
fn record_of_processing_export_and_import_round_trip() {
    let (_tmp, dir) = init_dir();
    let file = dir.join("ropa.csv");
    std::fs::write(
        &file,
        "Processing activity,Purpose of processing,Article 6 lawful basis for processing personal data,\
         Categories of individuals,Business function\n\
         Tenancy management,Managing tenancies,contract,Tenants; Household members,Housing management\n\
         Tenancy management,Recovering arrears,Legitimate interests (Art 6(1)(f)),,\n\
         Payroll,Paying staff,contract,Staff,Human resources\n",
    )
    .unwrap();
    // The legitimate interest is missing: named by row and column, nothing written.
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&file)])
        .code(1)
        .stdout_has("row 3, “Legitimate interests for the processing (if applicable)”")
        .stderr_has("nothing was imported");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Business function\n", "Business function,Legitimate interests for the processing (if applicable)\n");
    let text =
        text.replace("Legitimate interests (Art 6(1)(f)),,\n", "Legitimate interests (Art 6(1)(f)),,,Money owed\n");
    std::fs::write(&file, text).unwrap();
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&file), "--dry-run"])
        .code(0)
        .stdout_has("would add 2 activities")
        .stdout_has("dry run: nothing was written");
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&file)]).code(0).stdout_has("added 2 activities");

    let out = dir.join("export.csv");
    cli(["export", "ropa", "--data-dir", s(&dir), "--format", "csv", "--out", s(&out)])
        .code(0)
        .stderr_has("2 activities");
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(exported.contains("Business function,Purpose of processing,Name and contact details of joint controller"));
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&out)])
        .code(0)
        .stdout_has("added 0 activities, changed 0, 2 unchanged");
    let xlsx = steward(["export", "ropa", "--data-dir", s(&dir), "--format", "xlsx"]).output().expect("run steward");
    assert!(xlsx.status.success() && xlsx.stdout.starts_with(b"PK"), "an XLSX workbook on standard output");
    let book = dir.join("export.xlsx");
    std::fs::write(&book, &xlsx.stdout).unwrap();
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&book), "--dry-run"]).code(0).stdout_has("2 unchanged");
    let json = cli(["export", "ropa", "--data-dir", s(&dir), "--format", "json"]);
    assert!(json.code(0).stdout.contains("\"activities\""));

    // Bad input: an unknown basis; a file that is not a spreadsheet; an unknown format.
    std::fs::write(&file, exported.replace("Contract (Art 6(1)(b))", "Because we can")).unwrap();
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&file)])
        .code(1)
        .stdout_has("“Article 6 lawful basis for processing personal data”: is not a lawful basis");
    std::fs::write(&book, "not a spreadsheet").unwrap();
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&book)]).code(1).stderr_has("not an XLSX spreadsheet");
    cli(["import", "ropa", "--data-dir", s(&dir), "--from", s(&dir.join("ropa.txt"))]).code(2);
    cli(["export", "ropa", "--data-dir", s(&dir), "--format", "pdf"]).code(2);
}

#[test]
fn init_creates_a_private_data_directory_once() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    cli(["init", "--data-dir", s(&dir), "--org-name", "Riverside Vale Homes", "--region", "scotland"])
        .code(0)
        .stdout_has("Initialised");

    let key = dir.join("master.key");
    let mode = std::fs::metadata(&key).expect("master.key").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "master.key mode is {:o}", mode & 0o777);
    let key_text = std::fs::read_to_string(&key).expect("read key");
    assert_eq!(key_text.trim().len(), 64, "the key is 64 hex digits");
    assert!(key_text.trim().bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(dir.join("steward.db").is_file(), "steward.db");
    let config = std::fs::read_to_string(dir.join("steward.toml")).expect("steward.toml");
    assert!(config.contains("scotland"), "the region is kept: {config}");
    assert!(config.contains("Riverside Vale Homes"), "the organisation is kept: {config}");

    // A second init refuses, and leaves the key alone.
    let again = cli(["init", "--data-dir", s(&dir)]);
    again.code(1).stderr_has("already initialised").stderr_has(s(&dir));
    assert_eq!(std::fs::read_to_string(&key).expect("read key"), key_text, "the key is unchanged");

    // An unknown region is a usage error, and nothing is created.
    let other = tmp.path().join("other");
    let bad = cli(["init", "--data-dir", s(&other), "--region", "wales"]);
    bad.code(2).stderr_has("wales");
    assert!(!other.exists(), "a refused init creates nothing");
}

// ---------------------------------------------------------------------------------
// 2. tokens
// ---------------------------------------------------------------------------------

#[test]
fn tokens_are_created_listed_and_revoked() {
    let (_tmp, dir) = init_dir();
    let (id, secret) = create_token(&dir, "Housing CRM", "dpo");
    assert!(secret.len() > 20, "a real secret: {secret}");

    cli(["token", "create", "--data-dir", s(&dir), "--name", "Nope", "--role", "root"]).code(2).stderr_has("root");

    let list = cli(["token", "list", "--data-dir", s(&dir)]);
    list.code(0);
    let line = list.stdout.lines().find(|l| l.starts_with(&id)).expect("the token is listed");
    assert!(line.contains("live") && line.contains("Housing CRM") && line.contains("dpo"), "{line}");
    assert!(!list.stdout.contains(&secret), "the secret is never listed");
    assert_eq!(list.stdout.lines().count(), 1, "only the one token: {}", list.stdout);

    cli(["token", "revoke", "--data-dir", s(&dir), &id]).code(0).stdout_has(&id);
    let list = cli(["token", "list", "--data-dir", s(&dir)]);
    list.code(0);
    let line = list.stdout.lines().find(|l| l.starts_with(&id)).expect("still listed");
    assert!(line.contains("revoked") && !line.contains("live"), "{line}");

    // An unknown id is an error, not a silent success.
    cli(["token", "revoke", "--data-dir", s(&dir), "no-such-token"]).code(1);
}

/// `steward check`: nothing to find exits 0; a processor without a contract is an error,
/// so it exits 1, in words grouped by severity or as a JSON array of findings.
#[test]
fn check_exits_1_on_an_error_finding_in_words_or_json() {
    let (_tmp, dir) = init_dir();
    cli(["check", "--data-dir", s(&dir)])
        .code(0)
        .stdout_has(": 0 errors, 0 warnings")
        .stdout_has("Nothing to put right");
    let json = cli(["check", "--data-dir", s(&dir), "--json"]);
    json.code(0);
    assert_eq!(serde_json::from_str::<Value>(&json.stdout).expect("JSON"), json!([]));

    let (_, token) = create_token(&dir, "Registers", "dpo");
    let mut server = Server::serve(&dir);
    post(&server.url("/api/v1/processors"), &token, &json!({"name": "Northgate Payroll Bureau"})).status(201);
    let policy = json!({"title": "Data protection policy", "approved_on": "2020-01-15", "review_every_months": 36});
    post(&server.url("/api/v1/policies"), &token, &policy).status(201);
    server.stop_cleanly();

    let words = cli(["check", "--data-dir", s(&dir)]);
    words.code(1).stdout_has(": 1 error, 1 warning");
    let (errors, warnings) = (words.stdout.find("\nErrors\n").unwrap(), words.stdout.find("\nWarnings\n").unwrap());
    let contract = words.stdout.find("“Northgate Payroll Bureau” processes personal data for you").unwrap();
    let policy = words.stdout.find("“Data protection policy” was due for review on 15 January 2023").unwrap();
    assert!(errors < contract && contract < warnings && warnings < policy, "{}", words.stdout);
    assert!(words.stdout.contains("Law: UK GDPR Art 28(3)"), "{}", words.stdout);
    assert!(!words.stderr.contains("error:"), "the findings are the answer: {}", words.stderr);

    let json = cli(["check", "--data-dir", s(&dir), "--json"]);
    json.code(1);
    let findings: Value = serde_json::from_str(&json.stdout).expect("JSON");
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(findings[0]["rule"], "processor_without_contract");
    assert_eq!(findings[0]["object_type"], "processor");
    for key in ["message", "citation", "object_id", "fix"] {
        assert!(findings[0][key].as_str().is_some_and(|v| !v.is_empty()), "{key}: {}", findings[0]);
    }
    assert_eq!(findings[1]["rule"], "policy_review_overdue");
    assert_eq!(findings[1]["severity"], "warning");
}

// ---------------------------------------------------------------------------------
// 3. configuration and data-directory errors
// ---------------------------------------------------------------------------------

#[test]
fn bad_directories_keys_and_configuration_are_reported() {
    let tmp = tempfile::tempdir().expect("tmp");

    // A directory that does not exist.
    let missing = tmp.path().join("missing");
    for args in [
        vec!["serve"],
        vec!["token", "list"],
        vec!["audit", "verify"],
        vec!["audit", "head"],
        vec!["backup", "--out", "/dev/null"],
        vec!["restore", "--from", "/dev/null"],
    ] {
        let mut cmd = steward(&args);
        cmd.args(["--data-dir", s(&missing)]);
        run(&mut cmd).code(1).stderr_has(s(&missing)).stderr_has("does not exist");
    }
    assert!(!missing.exists(), "nothing creates the directory but init");

    // A directory that is not initialised.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    cli(["token", "list", "--data-dir", s(&empty)]).code(1).stderr_has(s(&empty)).stderr_has("steward init");

    // The master key of another data directory.
    let (_t1, dir) = init_dir();
    let (_t2, other) = init_dir();
    let other_key = std::fs::read_to_string(other.join("master.key")).expect("key");
    let mut cmd = steward(["token", "list", "--data-dir", s(&dir)]);
    cmd.env("STEWARD_MASTER_KEY", other_key.trim());
    run(&mut cmd).code(1).stderr_has("master key does not match");
    // Its own key, given the same way, works.
    let own_key = std::fs::read_to_string(dir.join("master.key")).expect("key");
    let mut cmd = steward(["token", "list", "--data-dir", s(&dir)]);
    cmd.env("STEWARD_MASTER_KEY", own_key.trim());
    run(&mut cmd).code(0);

    // A malformed key.
    let mut cmd = steward(["audit", "head", "--data-dir", s(&dir)]);
    cmd.env("STEWARD_MASTER_KEY", "not-a-key");
    run(&mut cmd).code(1).stderr_has("STEWARD_MASTER_KEY");

    // A master key file that is not a key.
    let (_t3, broken) = init_dir();
    std::fs::write(broken.join("master.key"), "0123\n").expect("write");
    cli(["audit", "head", "--data-dir", s(&broken)]).code(1).stderr_has("master.key");

    // A bad value in steward.toml names the key and the file.
    let (_t4, bad) = init_dir();
    set_config(&bad, "region", "wales");
    cli(["token", "list", "--data-dir", s(&bad)]).code(1).stderr_has("region").stderr_has("steward.toml");
    // ...and the same value from the environment says so.
    let (_t5, env_bad) = init_dir();
    let mut cmd = steward(["token", "list", "--data-dir", s(&env_bad)]);
    cmd.env("STEWARD_REGION", "wales");
    let out = run(&mut cmd);
    out.code(1).stderr_has("STEWARD_");
    assert!(out.stderr.to_lowercase().contains("region"), "{}", out.stderr);
}

#[test]
fn steward_listen_overrides_the_configured_address() {
    let (_tmp, dir) = init_dir();
    let configured = free_port();
    set_config(&dir, "listen", &format!("127.0.0.1:{configured}"));
    let port = loop {
        let p = free_port();
        if p != configured {
            break p;
        }
    };
    let mut cmd = steward(["serve", "--data-dir", s(&dir)]);
    cmd.env("STEWARD_LISTEN", format!("127.0.0.1:{port}"));
    let mut server = Server::start(cmd, port, START_TIMEOUT);
    let line = server.wait_line(|l| l.starts_with("Steward is running at"), Duration::from_secs(10));
    assert_eq!(line, format!("Steward is running at http://127.0.0.1:{port}/"));
    server.stop_cleanly();
    serve_on_a_taken_port_fails_cleanly(&dir);
}

// ---------------------------------------------------------------------------------
// 4. serve, backup, erase, restore
// ---------------------------------------------------------------------------------

#[test]
fn an_erasure_survives_restoring_an_older_backup() {
    let (tmp, dir) = init_dir();
    let (_, token) = create_token(&dir, "Housing CRM", "dpo");
    let (revoked_id, revoked) = create_token(&dir, "Old integration", "dpo");
    cli(["token", "revoke", "--data-dir", s(&dir), &revoked_id]).code(0);

    let mut server = Server::serve(&dir);
    let health = server.wait_healthy(START_TIMEOUT);
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "sqlite");

    // No token, a revoked token: 401.
    assert_eq!(try_get(&server.url("/api/v1/subjects?name=smi")).expect("GET").status, 401);
    get(&server.url("/api/v1/subjects?name=smi"), &revoked).status(401);

    let jane_id = create_subject(&server, &token, &jane());
    let khan_id = create_subject(&server, &token, &mohammed());
    let r = get(&server.url(&format!("/api/v1/subjects/{jane_id}")), &token);
    r.status(200);
    assert_eq!(r.json["family_name"], "Smith");
    assert_eq!(r.json["phones"][0], "+447700900123");

    // A backup taken while the server runs.
    let backup = tmp.path().join("backup.jsonl");
    cli(["backup", "--data-dir", s(&dir), "--out", s(&backup)]).code(0).stdout_has("Wrote");
    assert!(backup.is_file());

    // Erase Jane after the backup.
    let r = delete(&server.url(&format!("/api/v1/subjects/{jane_id}?request_ref=SAR-2026-014")), &token);
    r.status(200);
    assert_eq!(r.json["subject_id"], jane_id.as_str());
    get(&server.url(&format!("/api/v1/subjects/{jane_id}")), &token).status(410);
    server.stop_cleanly();

    // Restoring the older backup re-applies the erasure from the journal.
    let out = cli(["restore", "--data-dir", s(&dir), "--from", s(&backup)]);
    out.code(0).stdout_has("Restored 2 subjects").stdout_has("re-applied 1 later erasure");

    let server = Server::serve(&dir);
    let r = get(&server.url(&format!("/api/v1/subjects/{jane_id}")), &token);
    r.status(410);
    assert_eq!(r.json["error"]["code"], "gone");
    assert_eq!(r.json["tombstone"]["subject_id"], jane_id.as_str());
    assert_eq!(r.json["tombstone"]["request_ref"], "SAR-2026-014");
    let r = get(&server.url("/api/v1/subjects?email=jane@example.org"), &token);
    r.status(200);
    assert_eq!(r.json["subjects"], json!([]), "Jane cannot be found after the restore");
    let r = get(&server.url(&format!("/api/v1/subjects/{khan_id}")), &token);
    r.status(200);
    assert_eq!(r.json["family_name"], "Khan");
    drop(server);

    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("intact");
}

// ---------------------------------------------------------------------------------
// 5. nothing personal in the files
// ---------------------------------------------------------------------------------

#[test]
fn the_database_and_backup_files_hold_no_personal_data_in_clear() {
    let (tmp, dir) = init_dir();
    let (_, token) = create_token(&dir, "Housing CRM", "dpo");
    let mut server = Server::serve(&dir);
    let jane_id = create_subject(&server, &token, &jane());
    // Found by identifiers, so the blind indexes are in place.
    let r = get(&server.url("/api/v1/subjects?nhs_number=9434765919"), &token);
    r.status(200);
    assert_eq!(r.json["subjects"][0]["id"], jane_id.as_str(), "{}", r.text);
    server.stop_cleanly();

    let mut bytes = std::fs::read(dir.join("steward.db")).expect("steward.db");
    if let Ok(wal) = std::fs::read(dir.join("steward.db-wal")) {
        bytes.extend(wal);
    }
    // The search does find what is stored in clear: the id and the category.
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&jane_id), "the subject's id is in the database file");
    assert!(text.contains("tenant"), "categories are stored in clear");
    assert_no_jane("steward.db", &bytes);

    let backup = tmp.path().join("backup.jsonl");
    cli(["backup", "--data-dir", s(&dir), "--out", s(&backup)]).code(0);
    let raw = std::fs::read(&backup).expect("backup");
    assert!(String::from_utf8_lossy(&raw).contains(&jane_id), "the backup holds the subject");
    // Sealed fields are base64, where a short name could turn up by chance: search them
    // decoded, and the rest of each line as text.
    let b64 = base64::engine::general_purpose::STANDARD;
    let (mut clear, mut sealed, mut subjects) = (String::new(), Vec::new(), 0);
    for line in String::from_utf8(raw).expect("UTF-8 backup").lines() {
        let mut item: Value = serde_json::from_str(line).expect("a JSON line");
        if item["type"] == "subject" {
            subjects += 1;
            for field in ["wrapped_key", "data", "index_hashes"] {
                let v = item[field].take();
                sealed.extend(b64.decode(v.as_str().expect("base64 text")).expect("base64"));
            }
        }
        clear.push_str(&item.to_string());
        clear.push('\n');
    }
    assert_eq!(subjects, 1);
    assert!(sealed.len() > 100, "the sealed fields were read");
    assert_no_jane("the backup", clear.as_bytes());
    assert_no_jane("the backup's sealed fields", &sealed);
}

// ---------------------------------------------------------------------------------
// 6. audit tampering
// ---------------------------------------------------------------------------------

fn sqlite(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("steward.db")).expect("open steward.db")
}

/// A fresh data directory with a few audit entries made through the CLI.
fn dir_with_cli_activity() -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = init_dir();
    create_token(&dir, "Housing CRM", "dpo");
    create_token(&dir, "Auditor", "auditor");
    create_token(&dir, "Reporting", "staff");
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("intact");
    let n = audit_count(&dir);
    assert!(n >= 4, "enough entries to tamper with: {n}");
    (tmp, dir)
}

fn audit_count(dir: &Path) -> i64 {
    sqlite(dir).query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0)).expect("count")
}

/// `steward audit head`: the entry count and head hash from its `entries=N head=HASH` line.
fn audit_head(dir: &Path) -> (i64, String) {
    let out = cli(["audit", "head", "--data-dir", s(dir)]);
    out.code(0);
    let line = out.stdout.lines().find(|l| l.starts_with("entries=")).expect("an entries= line");
    let (n, h) = line.split_once(' ').expect("two fields");
    let n = n.strip_prefix("entries=").expect("entries=").parse().expect("a number");
    let h = h.strip_prefix("head=").expect("head=").to_string();
    (n, h)
}

/// Rewrite the log from entry `from` on as someone with write access to the database but
/// without the master key would: change that entry's detail (unless `detail` is `None`),
/// recompute its hash and every later one with plain SHA-256, and fix the head.
fn rewrite_with_plain_hashes(dir: &Path, from: i64, detail: Option<&str>) {
    rewrite_range_with_plain_hashes(dir, from, i64::MAX, detail);
}

/// [`rewrite_with_plain_hashes`] for entries `from` to `to` only; the entry after `to`
/// (if any) is relinked to the new hash of entry `to`, the head fixed otherwise.
fn rewrite_range_with_plain_hashes(dir: &Path, from: i64, to: i64, detail: Option<&str>) {
    use steward_core::audit::{AuditEvent, canonical};
    let db = sqlite(dir);
    let rows: Vec<(i64, AuditEvent)> = db
        .prepare("SELECT seq, at, actor, action, object_type, object_id, request_id, outcome, detail FROM audit_log ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                AuditEvent {
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    object_type: r.get(4)?,
                    object_id: r.get(5)?,
                    request_id: r.get(6)?,
                    outcome: r.get(7)?,
                    detail: r.get(8)?,
                },
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut prev: String = if from == 1 {
        steward_core::audit::GENESIS_HASH.to_string()
    } else {
        db.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [from - 1], |r| r.get(0)).expect("previous")
    };
    for (seq, mut ev) in rows.into_iter().filter(|(seq, _)| *seq >= from && *seq <= to) {
        if let (true, Some(d)) = (seq == from, detail) {
            ev.detail = d.to_string();
        }
        let hash = steward_crypto::chain_hash(&prev, &canonical(seq, &ev));
        db.execute(
            "UPDATE audit_log SET detail = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![ev.detail, prev, hash, seq],
        )
        .expect("rewrite");
        prev = hash;
    }
    let relinked = db
        .execute("UPDATE audit_log SET prev_hash = ?1 WHERE seq = ?2", rusqlite::params![prev, to.saturating_add(1)])
        .expect("relink");
    if relinked == 0 {
        db.execute("UPDATE audit_head SET hash = ?1 WHERE id = 1", [&prev]).expect("head");
    }
}

#[test]
fn an_altered_audit_entry_is_named() {
    let (_tmp, dir) = init_dir();
    let (_, token) = create_token(&dir, "Housing CRM", "dpo");
    let mut server = Server::serve(&dir);
    let id = create_subject(&server, &token, &jane());
    get(&server.url(&format!("/api/v1/subjects/{id}")), &token).status(200);
    server.stop_cleanly();
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("intact");

    let changed = sqlite(&dir).execute("UPDATE audit_log SET detail = 'x' WHERE seq = 3", []).expect("update");
    assert_eq!(changed, 1);
    let out = cli(["audit", "verify", "--data-dir", s(&dir)]);
    out.code(3).stderr_has("broken at entry 3:").stderr_has("altered");
}

#[test]
fn a_removed_audit_entry_is_named() {
    let (_tmp, dir) = dir_with_cli_activity();
    assert_eq!(sqlite(&dir).execute("DELETE FROM audit_log WHERE seq = 2", []).expect("delete"), 1);
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(3).stderr_has("broken at entry 2:").stderr_has("missing");
}

#[test]
fn reordered_audit_entries_are_found() {
    let (_tmp, dir) = dir_with_cli_activity();
    let db = sqlite(&dir);
    let rows: Vec<(i64, String)> = db
        .prepare("SELECT seq, action FROM audit_log ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let (a, b) = rows
        .iter()
        .enumerate()
        .find_map(|(i, (seq, action))| {
            rows[i + 1..].iter().find(|(_, other)| other != action).map(|(s2, _)| (*seq, *s2))
        })
        .expect("two entries with different actions");
    db.execute(
        "UPDATE audit_log SET action = CASE seq \
           WHEN ?1 THEN (SELECT action FROM audit_log WHERE seq = ?2) \
           WHEN ?2 THEN (SELECT action FROM audit_log WHERE seq = ?1) END \
         WHERE seq IN (?1, ?2)",
        [a, b],
    )
    .expect("swap");
    drop(db);
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(3).stderr_has(&format!("broken at entry {a}:"));
}

#[test]
fn audit_head_prints_the_count_and_hash() {
    let (_tmp, dir) = dir_with_cli_activity();
    let out = cli(["audit", "head", "--data-dir", s(&dir)]);
    out.code(0).stdout_has("steward audit verify --data-dir").stdout_has("--expect-entries");
    let (count, hash) = audit_head(&dir);
    assert_eq!(hash.len(), 64, "{hash}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{hash}");
    let (max_seq, last_hash): (i64, String) = sqlite(&dir)
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("last entry");
    assert_eq!(count, max_seq);
    assert_eq!(hash, last_hash);
    // What it prints can be pasted back.
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-entries", &count.to_string(), "--expect-head", &hash])
        .code(0)
        .stdout_has(&format!("The head kept earlier is entry {count}'s"));
    // Printing it records nothing.
    assert_eq!(audit_count(&dir), count);
    // A malformed head is refused as a usage error, naming the flag.
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-head", "abc"]).code(2).stderr_has("--expect-head");
}

/// (a) The newest entries deleted straight from the database and the head row fixed to
/// the new last entry: the shortened chain is consistent, but a head kept earlier shows
/// what happened.
#[test]
fn a_log_cut_short_fails_against_the_head_kept_earlier() {
    let (_tmp, dir) = dir_with_cli_activity();
    let (kept_n, kept_head) = audit_head(&dir);
    let n = kept_n.to_string();
    // The log grows; the kept head is still found where it was.
    create_token(&dir, "Later integration", "staff");
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-head", &kept_head])
        .code(0)
        .stdout_has(&format!("The head kept earlier is entry {kept_n}'s"));
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-entries", &n, "--expect-head", &kept_head]).code(0);

    let db = sqlite(&dir);
    db.execute("DELETE FROM audit_log WHERE seq > ?1", [kept_n - 2]).expect("delete the newest");
    db.execute(
        "UPDATE audit_head SET seq = ?1, hash = (SELECT hash FROM audit_log WHERE seq = ?1) WHERE id = 1",
        [kept_n - 2],
    )
    .expect("fix the head");
    drop(db);
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("intact");
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-head", &kept_head])
        .code(3)
        .stderr_has("no entry's hash is the head kept earlier");
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-entries", &n, "--expect-head", &kept_head])
        .code(3)
        .stderr_has(&format!(
            "the log is shorter than the head kept earlier: {} entries now, {kept_n} expected",
            kept_n - 2
        ));
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-entries", &n]).code(3).stderr_has("shorter");
}

/// (b) An entry's detail rewritten and every later hash recomputed with plain SHA-256,
/// head fixed: without the master key the chain cannot be made consistent.
#[test]
fn a_log_rewritten_with_plain_hashes_fails_verification() {
    let (_tmp, dir) = dir_with_cli_activity();
    let (kept_n, kept_head) = audit_head(&dir);
    rewrite_with_plain_hashes(&dir, 2, Some("fields=nothing"));
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(3).stderr_has("broken at entry 2:").stderr_has("altered");
    // Rewritten from the first entry, the log no longer claims to be keyed, and the head
    // kept earlier shows the rewrite.
    rewrite_with_plain_hashes(&dir, 1, None);
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("none of these");
    cli([
        "audit",
        "verify",
        "--data-dir",
        s(&dir),
        "--expect-entries",
        &kept_n.to_string(),
        "--expect-head",
        &kept_head,
    ])
    .code(3)
    .stderr_has(&format!("entry {kept_n}'s hash differs from the head kept earlier (the log was rewritten)"));
}

/// Every file of `dir` with its contents, sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&p).expect("read")))
        .collect();
    out.sort();
    out
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// (c) `audit verify` and `audit head` record nothing and work on a read-only copy of the
/// data directory, leaving every file as it was.
#[cfg(unix)]
#[test]
fn verification_works_on_a_read_only_copy_and_writes_nothing() {
    let (tmp, dir) = dir_with_cli_activity();
    let before = audit_count(&dir);
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0);
    audit_head(&dir);
    assert_eq!(audit_count(&dir), before, "checking the live directory records nothing");

    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).expect("mkdir");
    for (name, bytes) in files(&dir) {
        std::fs::write(copy.join(&name), bytes).expect("copy");
        set_mode(&copy.join(&name), 0o400);
    }
    set_mode(&copy, 0o500);
    let snapshot = files(&copy);
    let (n, head) = audit_head(&copy);
    assert_eq!(n, before);
    cli(["audit", "verify", "--data-dir", s(&copy), "--expect-entries", &n.to_string(), "--expect-head", &head])
        .code(0)
        .stdout_has("intact");
    set_mode(&copy, 0o700);
    assert_eq!(files(&copy), snapshot, "no file was changed or added");
    // Tampering in the copy is found there too.
    set_mode(&copy.join("steward.db"), 0o600);
    let changed = sqlite(&copy).execute("UPDATE audit_log SET detail = 'x' WHERE seq = 2", []).expect("tamper");
    assert_eq!(changed, 1);
    set_mode(&copy.join("steward.db"), 0o400);
    cli(["audit", "verify", "--data-dir", s(&copy)]).code(3).stderr_has("broken at entry 2:");
}

/// (d) A log written by an older Steward (plain SHA-256 hashes) verifies as it is, is
/// keyed once by the next command that opens the data directory, and keeps verifying,
/// the older part included.
#[test]
fn an_older_plain_log_is_keyed_once_and_keeps_verifying() {
    let (_tmp, dir) = dir_with_cli_activity();
    // What an older Steward wrote: the same entries with plain hashes.
    rewrite_with_plain_hashes(&dir, 1, None);
    let (legacy_n, legacy_head) = audit_head(&dir);
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("none of these");

    cli(["token", "list", "--data-dir", s(&dir)]).code(0);
    let (action, detail): (String, String) = sqlite(&dir)
        .query_row("SELECT action, detail FROM audit_log WHERE seq = ?1", [legacy_n + 1], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("the keying entry");
    assert_eq!(action, "audit.rekey");
    assert_eq!(detail, format!("legacy_entries={legacy_n} legacy_head={legacy_head} legacy_check=intact"));
    cli(["token", "list", "--data-dir", s(&dir)]).code(0);
    let rekeys: i64 = sqlite(&dir)
        .query_row("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.rekey'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rekeys, 1, "keyed once");

    create_token(&dir, "After the upgrade", "staff");
    cli([
        "audit",
        "verify",
        "--data-dir",
        s(&dir),
        "--expect-entries",
        &legacy_n.to_string(),
        "--expect-head",
        &legacy_head,
    ])
    .code(0)
    .stdout_has(&format!("Entries 1 to {legacy_n} were written before the audit log was keyed"));
    // The older part is now covered by the key: rewriting it (and relinking the
    // keying entry to its new head) is found at the keying entry.
    rewrite_range_with_plain_hashes(&dir, 2, legacy_n, Some("fields=nothing"));
    cli(["audit", "verify", "--data-dir", s(&dir)])
        .code(3)
        .stderr_has(&format!("broken at entry {}:", legacy_n + 1))
        .stderr_has("altered");
}

/// The daily record: `jobs run audit_anchor` emails the count and head hash to the
/// address in the settings, and the hash in the email verifies.
#[test]
fn the_audit_anchor_job_emails_a_head_that_verifies() {
    let (_tmp, dir) = dir_with_cli_activity();
    let sink = smtp_sink::SmtpSink::start();
    let with_mail = |args: &[&str]| {
        let mut cmd = steward(args);
        cmd.env("STEWARD_SMTP_HOST", "127.0.0.1")
            .env("STEWARD_SMTP_PORT", sink.port.to_string())
            .env("STEWARD_SMTP_SECURITY", "none")
            .env("STEWARD_SMTP_FROM", "steward@example.org");
        run(&mut cmd)
    };
    with_mail(&["jobs", "run", "audit_anchor", "--data-dir", s(&dir)]).code(1).stderr_has("no address is set");
    sqlite(&dir)
        .execute("INSERT INTO settings (key, value) VALUES ('audit_anchor_email', 'trustee@example.net')", [])
        .expect("set the address");
    with_mail(&["jobs", "run", "audit_anchor", "--data-dir", s(&dir)]).code(0).stdout_has("audit_anchor: success");
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["trustee@example.net".to_string()]);
    let body = mails[0].data.replace("=\r\n", "").replace("=3D", "=").replace("\r\n", "\n");
    let head = body.lines().find_map(|l| l.strip_prefix("Head hash: ")).expect("a head hash line").trim().to_string();
    let entries = body.lines().find_map(|l| l.strip_prefix("Entries: ")).expect("an entries line").trim().to_string();
    assert!(body.contains("--expect-head"), "{body}");
    cli(["audit", "verify", "--data-dir", s(&dir), "--expect-entries", &entries, "--expect-head", &head]).code(0);
}

// ---------------------------------------------------------------------------------
// 7. PostgreSQL
// ---------------------------------------------------------------------------------

#[test]
fn postgresql_serve_erase_and_verify() {
    let Some(url) = steward_testkit::postgres_url() else { return };
    let name = format!("steward_cli_{:016x}", fastrand::u64(..));
    let db = match PgDatabase::create(&url, &name) {
        Ok(db) => db,
        Err(e) if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => {
            steward_testkit::skip_postgres("this PostgreSQL role may not create databases");
            return;
        }
        Err(e) => panic!("CREATE DATABASE failed: {e}"),
    };
    let db_url = db.url.clone();

    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    cli(["init", "--data-dir", s(&dir), "--database-url", &db_url]).code(0);
    assert!(!dir.join("steward.db").exists(), "no SQLite file when PostgreSQL is configured");
    let (_, token) = create_token(&dir, "Housing CRM", "dpo");

    let mut server = Server::serve(&dir);
    let health = server.wait_healthy(START_TIMEOUT);
    assert_eq!(health["database"], "postgres", "{health}");
    serve_on_a_taken_port_fails_cleanly(&dir);
    let jane_id = create_subject(&server, &token, &jane());
    let khan_id = create_subject(&server, &token, &mohammed());
    let backup = tmp.path().join("backup.jsonl");
    cli(["backup", "--data-dir", s(&dir), "--out", s(&backup)]).code(0);
    delete(&server.url(&format!("/api/v1/subjects/{jane_id}")), &token).status(200);
    get(&server.url(&format!("/api/v1/subjects/{jane_id}")), &token).status(410);
    server.stop_cleanly();

    cli(["restore", "--data-dir", s(&dir), "--from", s(&backup)])
        .code(0)
        .stdout_has("re-applied 1 later erasure")
        .stdout_has("before-restore");
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .expect("read_dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("steward.db.before-restore-") && n.ends_with(".jsonl"))
        .collect();
    assert_eq!(kept.len(), 1, "a dump of the replaced PostgreSQL database is kept: {kept:?}");
    let mut server = Server::serve(&dir);
    let r = get(&server.url(&format!("/api/v1/subjects/{jane_id}")), &token);
    r.status(410);
    assert_eq!(r.json["tombstone"]["subject_id"], jane_id.as_str());
    get(&server.url(&format!("/api/v1/subjects/{khan_id}")), &token).status(200);
    server.stop_cleanly();

    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("intact");

    // Onto a new machine and a new, empty PostgreSQL database, with the old key and journal.
    let second = PgDatabase::create(&url, &format!("{name}_new")).expect("create the second database");
    let new_url = second.url.clone();
    let new = tmp.path().join("new-machine");
    std::fs::create_dir(&new).expect("mkdir");
    std::fs::copy(dir.join("erasures.jsonl"), new.join("erasures.jsonl")).expect("copy the journal");
    let key = dir.join("master.key");
    cli([
        "restore",
        "--data-dir",
        s(&new),
        "--from",
        s(&backup),
        "--master-key-file",
        s(&key),
        "--database-url",
        &new_url,
    ])
    .code(0)
    .stdout_has("re-applied 1 later erasure");
    let server = Server::serve(&new);
    get(&server.url(&format!("/api/v1/subjects/{jane_id}")), &token).status(410);
    get(&server.url(&format!("/api/v1/subjects/{khan_id}")), &token).status(200);
    drop(server);

    // Its tables gone (an empty database in its place): nothing starts afresh.
    let mut c = postgres::Client::connect(&new_url, postgres::NoTls).expect("connect");
    c.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public").expect("empty the database");
    drop(c);
    let mut cmd = steward(["serve", "--data-dir", s(&new), "--listen", "127.0.0.1:0"]);
    run_within(&mut cmd, START_TIMEOUT).code(1).stderr_has("missing").stderr_has("steward restore --data-dir");
}

// ---------------------------------------------------------------------------------
// 8. help
// ---------------------------------------------------------------------------------

#[test]
fn every_command_has_help() {
    let commands: [&[&str]; 19] = [
        &[],
        &["scan"],
        &["records"],
        &["records", "import"],
        &["jobs"],
        &["jobs", "run"],
        &["jobs", "list"],
        &["init"],
        &["serve"],
        &["token"],
        &["token", "create"],
        &["token", "list"],
        &["token", "revoke"],
        &["audit"],
        &["audit", "verify"],
        &["audit", "head"],
        &["backup"],
        &["restore"],
        &["demo"],
    ];
    for command in commands {
        let mut cmd = steward(command);
        cmd.arg("--help");
        let out = run(&mut cmd);
        out.code(0).stdout_has("Usage: steward");
    }
    cli(["--version"]).code(0).stdout_has(env!("CARGO_PKG_VERSION"));
    // Without a command: a usage error.
    cli::<[&str; 0], &str>([]).code(2);
}

// ---------------------------------------------------------------------------------
// 9. demo
// ---------------------------------------------------------------------------------

/// Start `steward demo` on `dir`: the server, and the token it printed.
fn start_demo(dir: &Path) -> (Server, String) {
    let port = free_port();
    let cmd = steward(["demo", "--data-dir", s(dir), "--listen", &format!("127.0.0.1:{port}")]);
    let mut server = Server::start(cmd, port, DEMO_START_TIMEOUT);
    let wait = Duration::from_secs(10);
    let url = server.wait_line(|l| l.starts_with("Steward is running at"), wait);
    assert!(url.contains(&format!("http://127.0.0.1:{port}/")), "{url}");
    let token = server.wait_line(|l| l.starts_with("stw_"), wait);
    (server, token)
}

fn subject_total(server: &Server, token: &str) -> i64 {
    let r = get(&server.url("/api/v1/stats/subjects"), token);
    r.status(200);
    r.json["total"].as_i64().expect("total")
}

#[test]
fn demo_seeds_once_and_reuses_its_data() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("demo");

    let (mut server, token) = start_demo(&dir);
    let created = server.wait_line(|l| l.starts_with("Created "), Duration::from_secs(1));
    let total = subject_total(&server, &token);
    assert!(total >= 500, "the demo has {total} subjects");
    // One of them has since been erased at their request (the demo's erasure example).
    assert!(created.starts_with(&format!("Created {} fictional data subjects", total + 1)), "{created}");
    let r = get(&server.url("/api/v1/subjects?name=smi"), &token);
    r.status(200);
    assert!(r.json["subjects"].as_array().is_some_and(|a| !a.is_empty()), "the tour's search finds people");
    server.stop_cleanly();
    drop(server);

    let (mut server, token2) = start_demo(&dir);
    assert_ne!(token, token2, "each demo session gets its own token");
    let reuse = server.wait_line(|l| l.starts_with("Reusing the demo data"), Duration::from_secs(1));
    assert!(reuse.contains(s(&dir)), "{reuse}");
    assert_eq!(subject_total(&server, &token2), total, "the data is reused, not added to");
    server.stop_cleanly();
}

/// Writers racing a `kill -9`: every subject whose creation was acknowledged is there
/// after a restart, and the audit chain verifies (no half-written change, no fork).
#[test]
fn killing_the_server_mid_write_loses_nothing_committed_and_keeps_the_chain() {
    let (_tmp, dir) = init_dir();
    let (_, token) = create_token(&dir, "load", "dpo");
    let mut server = Server::serve(&dir);
    let url = server.url("/api/v1/subjects");
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (url, token, acked, stop) = (url.clone(), token.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0..10_000 {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let body = json!({"given_name": "Alex", "family_name": format!("Writer{w}x{i}"), "categories": ["tenant"]});
                    let sent = agent()
                        .post(&url)
                        .header("Authorization", bearer(&token))
                        .content_type("application/json")
                        .send(body.to_string());
                    match read(sent) {
                        Ok(r) if r.status == 201 => {
                            acked.lock().expect("lock").push(r.json["id"].as_str().expect("id").to_string())
                        }
                        _ => break,
                    }
                }
            })
        })
        .collect();
    // Let the writers get going, then pull the plug.
    let deadline = Instant::now() + Duration::from_secs(20);
    while acknowledged.lock().expect("lock").len() < 40 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    server.child.kill().expect("kill -9");
    server.child.wait().expect("reap");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
    let acked = acknowledged.lock().expect("lock").clone();
    assert!(acked.len() >= 40, "the writers made progress before the kill");

    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("intact");
    let server = Server::serve(&dir);
    for id in &acked {
        get(&server.url(&format!("/api/v1/subjects/{id}")), &token).status(200);
    }
    let stats = get(&server.url("/api/v1/stats/subjects"), &token);
    assert!(stats.json["total"].as_i64().expect("total") >= acked.len() as i64);
}

// ---------------------------------------------------------------------------------
// 10. deadline: the statutory clock of a rights request, with no data directory
// ---------------------------------------------------------------------------------

/// `steward deadline ARGS` (split at spaces), which must succeed: its last line, and the
/// whole standard output.
fn deadline(args: &str) -> (String, String) {
    let out = cli(std::iter::once("deadline").chain(args.split_whitespace()));
    out.code(0);
    let last = out.stdout.lines().last().expect("a last line").to_string();
    (last, out.stdout)
}

#[test]
fn deadline_prints_the_due_date_of_every_worked_example() {
    let examples = [
        // ICO worked examples (UK GDPR Art 12(3)).
        ("--received 2019-09-03", "2019-10-03"),
        ("--received 2019-03-31", "2019-04-30"),
        ("--received 2019-01-30", "2019-02-28"),
        // A Saturday due date moves to Monday.
        ("--received 2019-09-05", "2019-10-07"),
        // Boxing Day 2025 (a Friday) moves to Monday 29 December.
        ("--received 2025-11-26", "2025-12-29"),
        // 2 January 2026 is a bank holiday in Scotland only.
        ("--received 2025-12-02", "2026-01-02"),
        ("--received 2025-12-02 --region england-and-wales", "2026-01-02"),
        ("--received 2025-12-02 --region scotland", "2026-01-05"),
        // The Battle of the Boyne's substitute Monday in Northern Ireland.
        ("--received 2026-06-13 --region northern-ireland", "2026-07-14"),
        ("--received 2026-06-13", "2026-07-13"),
        // Extended: three months from the start.
        ("--received 2019-09-03 --extended", "2019-12-03"),
        ("--received 2026-01-31 --extended", "2026-04-30"),
        // Clarification: 10 to 14 March, 5 days, added to 1 April = Easter Monday 6 April.
        ("--received 2026-03-01 --clarification-asked 2026-03-10 --clarification-received 2026-03-14", "2026-04-07"),
        (
            "--received 2026-03-01 --clarification-asked 2026-03-10 --clarification-received 2026-03-14 --region scotland",
            "2026-04-06",
        ),
        // Proof of identity restarts the clock from the day it arrives.
        ("--received 2019-09-03 --id-received 2019-09-10", "2019-10-10"),
    ];
    for (args, expected) in examples {
        let (last, stdout) = deadline(args);
        assert_eq!(last, expected, "steward deadline {args}");
        assert_eq!(stdout.lines().count(), 1, "without --explain only the date: {stdout}");
    }
}

#[test]
fn deadline_explain_prints_the_steps_then_the_date() {
    let (last, stdout) = deadline("--received 2019-09-03 --explain");
    assert_eq!(last, "2019-10-03");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "Received on Tuesday 3 September 2019, so the clock starts that day.",
            "One calendar month from Tuesday 3 September 2019 is Thursday 3 October 2019.",
            "Thursday 3 October 2019 is a working day.",
            "Due date: Thursday 3 October 2019.",
            "2019-10-03",
        ]
    );

    let (last, stdout) = deadline(
        "--received 2026-03-01 --clarification-asked 2026-03-10 --clarification-received 2026-03-14 --extended --explain",
    );
    assert_eq!(last, "2026-06-08", "1 June + 5 days = Saturday 6 June, so Monday 8 June");
    for step in [
        "three calendar months from Sunday 1 March 2026 is Monday 1 June 2026",
        "those 5 days, both included, do not count",
        "Saturday 6 June 2026 falls on a weekend, so the due date moves to the next working day: Monday 8 June 2026.",
        "Without the extension the due date would be Tuesday 7 April 2026",
        "Due date: Monday 8 June 2026.",
    ] {
        assert!(stdout.contains(step), "missing {step:?} in:\n{stdout}");
    }

    let (last, stdout) = deadline("--received 2025-12-02 --region scotland --explain");
    assert_eq!(last, "2026-01-05");
    assert!(stdout.contains("Friday 2 January 2026 is 2nd January, a bank holiday in Scotland"), "{stdout}");
}

#[test]
fn deadline_refuses_bad_dates_and_impossible_orders_naming_the_flag() {
    // Not a date: a usage error (2) from the argument parser, naming the flag.
    for (args, flag) in [
        ("--received 2023-02-30", "--received"),
        ("--received tomorrow", "--received"),
        ("--received 3/9/2019", "--received"),
        ("--received 2019-9-3", "--received"),
        ("--received 2019-09-03 --id-received 2019-13-01", "--id-received"),
        (
            "--received 2019-09-03 --clarification-asked yesterday --clarification-received 2019-09-10",
            "--clarification-asked",
        ),
        // A missing --received, half a clarification, an unknown region.
        ("", "--received"),
        ("--received 2019-09-03 --clarification-asked 2019-09-04", "--clarification-received"),
        ("--received 2019-09-03 --region wales", "--region"),
    ] {
        cli(std::iter::once("deadline").chain(args.split_whitespace())).code(2).stderr_has(flag);
    }

    // Real dates in an impossible order: a rule violation (1), naming the flag.
    for (args, flag) in [
        (
            "--received 2026-03-01 --clarification-asked 2026-03-14 --clarification-received 2026-03-10",
            "--clarification-received",
        ),
        (
            "--received 2026-03-01 --clarification-asked 2026-02-27 --clarification-received 2026-03-02",
            "--clarification-asked",
        ),
        ("--received 2026-03-01 --id-received 2026-02-28", "--id-received"),
    ] {
        let out = cli(std::iter::once("deadline").chain(args.split_whitespace()));
        out.code(1).stderr_has(flag);
        assert!(out.stdout.is_empty(), "nothing printed on stdout: {}", out.stdout);
    }
    let mut help = steward(["deadline", "--help"]);
    run(&mut help).code(0).stdout_has("Usage: steward deadline");
}

// ---------------------------------------------------------------------------------
// Scheduled jobs
// ---------------------------------------------------------------------------------

#[test]
fn jobs_run_reminders_now_and_are_listed() {
    let (_tmp, dir) = init_dir();
    // Without a mail server the run fails and says why.
    cli(["jobs", "run", "reminders", "--data-dir", s(&dir)]).code(1).stderr_has("email is not set up");
    cli(["jobs", "run", "nonsense", "--data-dir", s(&dir)]).code(1).stderr_has("not found");

    let sink = smtp_sink::SmtpSink::start();
    let with_mail = |args: &[&str], port: &str| {
        let mut cmd = steward(args);
        cmd.env("STEWARD_SMTP_HOST", "127.0.0.1")
            .env("STEWARD_SMTP_PORT", port)
            .env("STEWARD_SMTP_SECURITY", "none")
            .env("STEWARD_SMTP_FROM", "steward@example.org");
        run(&mut cmd)
    };
    let port = sink.port.to_string();
    with_mail(&["jobs", "run", "reminders", "--data-dir", s(&dir)], &port)
        .code(0)
        .stdout_has("reminders: success")
        .stdout_has(r#""emails":0"#);
    // A bad mail configuration is refused, naming the setting.
    with_mail(&["jobs", "run", "reminders", "--data-dir", s(&dir)], "0").code(1).stderr_has("smtp_port");

    let out = cli(["jobs", "list", "--data-dir", s(&dir)]);
    out.code(0).stdout_has("reminders\tdaily at 07:00 UK time");
    let runs: Vec<&str> = out.stdout.lines().filter(|l| l.contains("\tmanual\t")).collect();
    assert_eq!(runs.len(), 2, "{}", out.stdout);
    assert!(runs[0].contains("\tsuccess\t") && runs[1].contains("\tfailed\t"), "newest first: {}", out.stdout);
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0);
}

// ---------------------------------------------------------------------------------
// 10. scan
// ---------------------------------------------------------------------------------

/// A folder with a letter, an email, a broken PDF and a file with a hostile name: all
/// fictional.
fn scan_folder() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    std::fs::write(
        d.join("letter.txt"),
        "Dear Ms Smith,\nThank you for calling on 07700 900123. Your neighbour Mr Tom Baker \
         (tom.baker@example.org, NI AB 12 34 56 C) also reported the leak.\nRegards, Priya Shah\n",
    )
    .expect("letter");
    std::fs::write(
        d.join("message.eml"),
        "From: Jane Smith <jane.smith@example.org>\r\nTo: Housing <housing@example.org>\r\n\
         Subject: Repairs\r\nMessage-ID: <r1@example.org>\r\n\r\nMy NHS number is 943 476 5919.\r\n",
    )
    .expect("eml");
    std::fs::write(d.join("broken.pdf"), b"%PDF-1.7 this is not really a PDF").expect("pdf");
    std::fs::write(d.join("odd\nname \"quoted\".txt"), "Call Gary Oldman on 0161 496 0000.").expect("odd name");
    tmp
}

#[test]
fn scan_prints_json_lines_for_the_subject_and_third_parties_and_lists_skipped_files() {
    let tmp = scan_folder();
    let dir = tmp.path();
    let out = cli(["scan", s(dir), "--name", "Jane Smith", "--phone", "+44 7700 900123", "--json"]);
    out.code(3);
    let lines: Vec<serde_json::Value> =
        out.stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert!(!lines.is_empty(), "{}", out.stderr);
    for l in &lines {
        for key in ["file", "kind", "entity", "start", "end", "text", "confidence"] {
            assert!(l.get(key).is_some(), "{key} missing in {l}");
        }
    }
    let letter = dir.join("letter.txt");
    let text = std::fs::read_to_string(&letter).expect("letter");
    let find = |kind: &str, t: &str| {
        lines.iter().find(|l| l["kind"] == kind && l["text"] == t && l["file"] == s(&letter)).cloned()
    };
    // Byte offsets into the plain-text file.
    let phone = find("subject", "07700 900123").expect("the subject's phone, in another format");
    let (a, b) = (phone["start"].as_u64().unwrap() as usize, phone["end"].as_u64().unwrap() as usize);
    assert_eq!(&text[a..b], "07700 900123");
    assert!(find("subject", "Ms Smith").is_some(), "{}", out.stdout);
    let tom = lines
        .iter()
        .find(|l| l["kind"] == "third_party" && l["text"].as_str().is_some_and(|t| t.ends_with("Tom Baker")))
        .expect("a neighbour's name");
    assert_eq!(tom["entity"], "PERSON");
    let priya = lines.iter().find(|l| l["text"] == "Priya Shah").expect("the signature");
    assert_eq!(priya["location"]["line"], 3, "the line the name is on");
    assert!(find("third_party", "tom.baker@example.org").is_some_and(|l| l["entity"] == "EMAIL_ADDRESS"));
    assert!(lines.iter().any(|l| l["entity"] == "UK_NHS" && l["kind"] == "third_party"), "{}", out.stdout);
    assert!(
        lines.iter().any(|l| l["kind"] == "subject" && l["text"] == "jane.smith@example.org")
            || lines.iter().any(|l| l["kind"] == "subject" && l["text"] == "Jane Smith")
    );
    // The broken PDF is skipped with its reason; the hostile name was scanned.
    let summary: serde_json::Value = serde_json::from_str(out.stderr.lines().last().expect("summary")).expect("json");
    let skipped = summary["summary"]["skipped"].as_array().expect("skipped");
    assert!(skipped.iter().any(|k| k["file"].as_str().is_some_and(|f| f.ends_with("broken.pdf"))), "{summary}");
    assert!(lines.iter().any(|l| l["text"].as_str().is_some_and(|t| t.contains("Gary Oldman"))), "{}", out.stdout);
    assert!(summary["summary"]["mb_per_s"].as_f64().is_some());
}

#[test]
fn scan_detect_lists_everyone_and_redact_to_writes_redacted_copies() {
    let tmp = scan_folder();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).expect("in");
    std::fs::rename(tmp.path().join("letter.txt"), dir.join("letter.txt")).expect("move");
    let out_dir = tmp.path().join("redacted");
    let out = cli(["scan", s(&dir), "--name", "Jane Smith", "--redact-to", s(&out_dir)]);
    out.code(0).stderr_has("Scanned 1 files");
    let redacted = std::fs::read_to_string(
        std::fs::read_dir(&out_dir)
            .expect("out")
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().ends_with(".redacted.txt"))
            .expect("a redacted copy")
            .path(),
    )
    .expect("read");
    assert!(!redacted.contains("Tom Baker") && !redacted.contains("tom.baker@example.org"), "{redacted}");
    assert!(redacted.contains("redacted — DPA 2018 Sch 2 Pt 3 para 16"), "{redacted}");
    assert!(redacted.contains("Ms Smith"), "the subject's own data stays: {redacted}");
    let detect = cli(["scan", "--detect", "--json", s(&dir)]);
    detect.code(0);
    assert!(detect.stdout.lines().all(|l| l.contains("\"kind\":\"third_party\"")));
    // Usage and missing paths.
    cli(["scan", s(&dir)]).code(1).stderr_has("--detect");
    cli(["scan", "/no/such/place", "--name", "Jane Smith"]).code(1).stderr_has("no such file");
    cli(["scan", "--detect", "--name", "Jane Smith", s(&dir)]).code(2);
}

#[test]
fn scan_reads_a_birth_date_column_of_a_spreadsheet_export() {
    let tmp = tempfile::tempdir().expect("tmp");
    let csv = tmp.path().join("tenants.csv");
    std::fs::write(
        &csv,
        "tenant,Date of birth,rent_due\nHarriet Vane,14/03/1961,2024-04-01\nMervyn Bunter,02/11/1958,2024-04-01\n",
    )
    .expect("csv");
    let out = cli(["scan", "--detect", "--json", s(&csv)]);
    out.code(0);
    let lines: Vec<serde_json::Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let dobs: Vec<&str> =
        lines.iter().filter(|l| l["entity"] == "DATE_OF_BIRTH").map(|l| l["text"].as_str().unwrap_or("")).collect();
    assert_eq!(dobs, ["14/03/1961", "02/11/1958"], "{}", out.stdout);
    assert!(
        !lines.iter().any(|l| l["text"] == "2024-04-01" && l["entity"] == "DATE_OF_BIRTH"),
        "a date in another column is not a birth date"
    );
}

// ---------------------------------------------------------------------------------
// 11. restores that cannot destroy data; a missing database is not replaced
// ---------------------------------------------------------------------------------

/// Every file under `dir` with its bytes, to show a refused command changed nothing.
fn snapshot_files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read file");
                out.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), bytes);
            }
        }
    }
    out
}

/// Assert `dir` holds exactly the files of `before`, byte for byte.
fn assert_unchanged(dir: &Path, before: &std::collections::BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    let after = snapshot_files(dir);
    let names = |m: &std::collections::BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&after), names(before), "{what}: the same files");
    for (name, bytes) in before {
        assert!(after[name] == *bytes, "{what}: {} changed", name.display());
    }
}

/// A data directory with a token, a subject (through a server) and its backup file.
fn dir_with_a_backup() -> (tempfile::TempDir, PathBuf, PathBuf, String) {
    let (tmp, dir) = init_dir();
    let (_, token) = create_token(&dir, "Housing CRM", "dpo");
    let mut server = Server::serve(&dir);
    create_subject(&server, &token, &mohammed());
    server.stop_cleanly();
    let backup = tmp.path().join("backup.jsonl");
    cli(["backup", "--data-dir", s(&dir), "--out", s(&backup)]).code(0);
    (tmp, dir, backup, token)
}

#[test]
fn a_restore_that_cannot_succeed_leaves_the_data_directory_byte_for_byte() {
    let (tmp, source, backup, _) = dir_with_a_backup();
    let (_t2, target) = init_dir();
    create_token(&target, "Target's own", "dpo");
    let before = snapshot_files(&target);

    // A backup from another installation (another master key).
    let out = cli(["restore", "--data-dir", s(&target), "--from", s(&backup)]);
    out.code(1).stderr_has("another installation").stderr_has("--master-key-file");
    assert_unchanged(&target, &before, "a backup from another installation");

    // A truncated backup (its last lines cut off), even one made with this key.
    let text = std::fs::read_to_string(&backup).expect("backup");
    let cut: Vec<&str> = text.lines().collect();
    let truncated = tmp.path().join("truncated.jsonl");
    std::fs::write(&truncated, cut[..cut.len() - 2].join("\n")).expect("write");
    let out = cli(["restore", "--data-dir", s(&source), "--from", s(&truncated)]);
    out.code(1).stderr_has("truncated");
    let out = cli(["restore", "--data-dir", s(&target), "--from", s(&truncated)]);
    out.code(1).stderr_has("truncated");
    assert_unchanged(&target, &before, "a truncated backup");

    // A file that is not a backup at all.
    let junk = tmp.path().join("notes.txt");
    std::fs::write(&junk, "Shopping list\nmilk\n").expect("write");
    cli(["restore", "--data-dir", s(&target), "--from", s(&junk)]).code(1).stderr_has("not a backup");
    assert_unchanged(&target, &before, "a file that is not a backup");

    // The target still works, with its own data.
    cli(["token", "list", "--data-dir", s(&target)]).code(0).stdout_has("Target's own");
    cli(["audit", "verify", "--data-dir", s(&target)]).code(0).stdout_has("intact");
}

#[test]
fn a_backup_restores_onto_a_new_machine_with_the_old_master_key() {
    let (tmp, source, backup, token) = dir_with_a_backup();
    // The old key, kept apart from the backups as init advises.
    let kept_key = tmp.path().join("kept-master.key");
    std::fs::copy(source.join("master.key"), &kept_key).expect("copy key");

    let new = tmp.path().join("new-machine");
    let out = cli(["restore", "--data-dir", s(&new), "--from", s(&backup), "--master-key-file", s(&kept_key)]);
    out.code(0).stdout_has("Restored 1 subjects");
    assert_eq!(
        std::fs::read_to_string(new.join("master.key")).expect("key installed").trim(),
        std::fs::read_to_string(&kept_key).expect("key").trim()
    );
    cli(["token", "list", "--data-dir", s(&new)]).code(0).stdout_has("Housing CRM");
    cli(["audit", "verify", "--data-dir", s(&new)]).code(0).stdout_has("intact");
    let server = Server::serve(&new);
    let r = get(&server.url("/api/v1/subjects?name=kha"), &token);
    r.status(200);
    assert_eq!(r.json["subjects"].as_array().map(Vec::len), Some(1), "{}", r.text);
    drop(server);

    // The route people try first also works: init, copy the old key over the new one,
    // restore (the fresh database, which no key opens now, is kept aside).
    let (_t4, inited) = init_dir();
    std::fs::copy(&kept_key, inited.join("master.key")).expect("copy key");
    cli(["restore", "--data-dir", s(&inited), "--from", s(&backup)]).code(0).stdout_has("before-restore");
    cli(["token", "list", "--data-dir", s(&inited)]).code(0).stdout_has("Housing CRM");

    // A directory with a different key and a database of its own is not given another key.
    let (_t3, other) = init_dir();
    let before = snapshot_files(&other);
    let out = cli(["restore", "--data-dir", s(&other), "--from", s(&backup), "--master-key-file", s(&kept_key)]);
    out.code(1).stderr_has("different master key");
    assert_unchanged(&other, &before, "a directory with its own key and database");
}

#[test]
fn a_restore_keeps_the_database_it_replaced() {
    let (_tmp, dir, backup, token) = dir_with_a_backup();
    // A change after the backup, which the restore rolls back.
    let mut server = Server::serve(&dir);
    create_subject(&server, &token, &jane());
    server.stop_cleanly();
    let replaced = std::fs::read(dir.join("steward.db")).expect("db");

    cli(["restore", "--data-dir", s(&dir), "--from", s(&backup)]).code(0).stdout_has("before-restore");
    let kept: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(OsStr::to_str).is_some_and(|n| n.starts_with("steward.db.before-restore-")))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept: {kept:?}");
    assert_eq!(std::fs::read(&kept[0]).expect("kept"), replaced, "byte for byte");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("read_dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files are left: {leftovers:?}");

    let server = Server::serve(&dir);
    let r = get(&server.url("/api/v1/subjects?name=smi"), &token);
    assert_eq!(r.json["subjects"], json!([]), "the later subject is gone with the restore");
}

#[test]
fn a_restore_is_refused_while_a_server_runs_on_the_data_directory() {
    let (_tmp, dir, backup, token) = dir_with_a_backup();
    let mut server = Server::serve(&dir);
    let pid = server.child.id();
    let before = std::fs::read(dir.join("steward.db")).expect("db");
    let out = cli(["restore", "--data-dir", s(&dir), "--from", s(&backup)]);
    out.code(1).stderr_has("server is running on this data directory").stderr_has(&format!("pid {pid}"));
    assert_eq!(std::fs::read(dir.join("steward.db")).expect("db"), before, "the database is untouched");
    // The server carries on; what it acknowledges stays.
    let id = create_subject(&server, &token, &jane());
    server.stop_cleanly();
    let server = Server::serve(&dir);
    get(&server.url(&format!("/api/v1/subjects/{id}")), &token).status(200);
}

#[test]
fn a_missing_database_is_not_replaced_by_a_new_one() {
    let (tmp, dir, backup, token) = dir_with_a_backup();
    assert!(dir.join(".steward-installation").is_file(), "init marks the directory");
    std::fs::remove_file(dir.join("steward.db")).expect("remove the database");
    let before = snapshot_files(&dir);
    for args in [vec!["serve", "--listen", "127.0.0.1:0"], vec!["audit", "verify"], vec!["token", "list"]] {
        let mut cmd = steward(&args);
        cmd.args(["--data-dir", s(&dir)]);
        run_within(&mut cmd, START_TIMEOUT)
            .code(1)
            .stderr_has("database")
            .stderr_has("missing")
            .stderr_has("steward restore --data-dir")
            .stderr_has("move");
    }
    assert_unchanged(&dir, &before, "a refused start");
    assert!(!dir.join("steward.db").exists(), "no new, empty database was created");

    // The way out it names: restore the backup.
    cli(["restore", "--data-dir", s(&dir), "--from", s(&backup)]).code(0);
    let server = Server::serve(&dir);
    get(&server.url("/api/v1/subjects?name=kha"), &token).status(200);
    drop(server);
    drop(tmp);
}

/// A real limit on file size (`ulimit -f`, which binds root too): once the database
/// cannot grow, changes answer 503 `storage_unavailable` with `Retry-After`, health says
/// `degraded`, reads carry on (a view of personal data only if its audit entry fits),
/// and after a restart without the limit all is well.
#[test]
fn a_database_that_cannot_grow_answers_503_and_health_says_degraded() {
    let (_tmp, dir) = init_dir();
    let (_, token) = create_token(&dir, "Housing CRM", "dpo");
    let size = std::fs::metadata(dir.join("steward.db")).expect("db").len();
    // POSIX sh counts 512-byte blocks: room for the database and a little write-ahead log.
    let blocks = size / 512 + 64;
    let port = free_port();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" serve --data-dir \"$1\" --listen 127.0.0.1:{port}"))
        .arg(env!("CARGO_BIN_EXE_steward"))
        .arg(s(&dir));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("STEWARD_") {
            cmd.env_remove(&name);
        }
    }
    cmd.env("STEWARD_LOG", "warn").stdin(Stdio::null());
    let mut server = Server::start(cmd, port, START_TIMEOUT);
    let first = create_subject(&server, &token, &mohammed());

    let mut refused = None;
    for n in 0..2000 {
        let body = json!({"given_name": "Alex", "family_name": format!("Filler{n}"), "categories": ["tenant"],
            "notes": "x".repeat(2000)});
        let r = post(&server.url("/api/v1/subjects"), &token, &body);
        if r.status != 201 {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("the database stops growing");
    r.status(503);
    assert_eq!(r.json["error"]["code"], "storage_unavailable", "{}", r.text);
    let health = try_get(&server.url("/api/v1/health")).expect("health");
    assert_eq!(health.json["status"], "degraded", "{}", health.text);
    assert_eq!(health.json["problems"][0]["component"], "database", "{}", health.text);
    // Reads that need no audit entry carry on.
    get(&server.url("/api/v1/systems"), &token).status(200);
    // A view of personal data is shown only when its audit entry is written: with no
    // room even for that, it is refused as the same fault, never shown unaudited.
    let view = get(&server.url(&format!("/api/v1/subjects/{first}")), &token);
    if view.status != 200 {
        view.status(503);
        assert_eq!(view.json["error"]["code"], "storage_unavailable", "{}", view.text);
    }
    server.stop_cleanly();

    let mut server = Server::serve(&dir);
    assert_eq!(server.wait_healthy(START_TIMEOUT)["status"], "ok");
    get(&server.url(&format!("/api/v1/subjects/{first}")), &token).status(200);
    create_subject(&server, &token, &jane());
    server.stop_cleanly();
    cli(["audit", "verify", "--data-dir", s(&dir)]).code(0).stdout_has("intact");
}
