//! Places on the PostgreSQL test server made for one test and removed after it: a
//! schema (what most tests use), or a whole database (for the command line, which is
//! given a URL rather than a schema).

/// A schema of its own on the PostgreSQL server, named `t_<random>`, dropped (with
/// everything in it) when this is dropped. A store creates it when it opens it.
pub struct PgSchema {
    /// The server's URL.
    pub url: String,
    /// The schema's name.
    pub name: String,
}

impl PgSchema {
    /// A new, unused schema name on the server at `url`.
    pub fn new(url: &str) -> Self {
        Self { url: url.to_string(), name: format!("t_{}", uuid::Uuid::new_v4().simple()) }
    }

    /// A connection with the schema as its search path.
    pub fn client(&self) -> postgres::Client {
        let mut c = postgres::Client::connect(&self.url, postgres::NoTls).expect("raw PostgreSQL connection");
        c.batch_execute(&format!("SET search_path TO {}", self.name)).expect("search_path");
        c
    }

    /// Run statements (separated by `;`) with the schema as the search path.
    pub fn exec(&self, sql: &str) {
        self.client().batch_execute(sql).expect("raw PostgreSQL statement");
    }

    /// How many tables the schema has.
    pub fn tables(&self) -> i64 {
        self.client()
            .query_one("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1", &[&self.name])
            .expect("count tables")
            .get(0)
    }

    /// Every row of every table in the schema as text, each `bytea` value (`\x…`)
    /// decoded and added after its row.
    pub fn contents(&self) -> Vec<u8> {
        let mut c = self.client();
        let tables: Vec<String> = c
            .query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
                &[&self.name],
            )
            .expect("list tables")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = Vec::new();
        for table in tables {
            let rows = c.query(&format!("SELECT t::text FROM {}.{table} t", self.name), &[]).expect("read table");
            for row in rows {
                let text: String = row.get(0);
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
                for hex in text.split("\\\\x").skip(1) {
                    out.extend(unhex(hex));
                    out.push(b'\n');
                }
            }
        }
        out
    }
}

/// The bytes of the hexadecimal digits at the start of `s`.
fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> =
        s.bytes().take_while(u8::is_ascii_hexdigit).map(|b| char::from(b).to_digit(16).unwrap_or(0) as u8).collect();
    digits.chunks_exact(2).map(|p| p[0] * 16 + p[1]).collect()
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        match postgres::Client::connect(&self.url, postgres::NoTls) {
            Ok(mut c) => {
                if let Err(e) = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name)) {
                    eprintln!("warning: could not drop test schema {}: {e}", self.name);
                }
            }
            Err(e) => eprintln!("warning: could not connect to drop test schema {}: {e}", self.name),
        }
    }
}

/// A database of its own on the PostgreSQL server, dropped (even with connections still
/// open to it) when this is dropped.
pub struct PgDatabase {
    admin_url: String,
    /// The database's name.
    pub name: String,
    /// A URL that reaches it.
    pub url: String,
}

impl PgDatabase {
    /// Create the database `name` through the server at `admin_url` (whose role must be
    /// allowed to create databases); the error is the server's, for the caller to judge.
    pub fn create(admin_url: &str, name: &str) -> Result<Self, postgres::Error> {
        let mut admin = postgres::Client::connect(admin_url, postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = url_with_database(admin_url, name).expect("a postgres:// URL");
        Ok(Self { admin_url: admin_url.to_string(), name: name.to_string(), url })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        match postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            Ok(mut c) => {
                if let Err(e) = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)) {
                    eprintln!("warning: could not drop test database {}: {e}", self.name);
                }
            }
            Err(e) => eprintln!("warning: could not connect to drop test database {}: {e}", self.name),
        }
    }
}

/// `url` with its database name replaced by `db`, keeping any query parameters.
pub fn url_with_database(url: &str, db: &str) -> Option<String> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let after = &rest[authority_end..];
    let query = after.find('?').map_or("", |q| &after[q..]);
    Some(format!("{}{}/{db}{query}", &url[..scheme_end], &rest[..authority_end]))
}
