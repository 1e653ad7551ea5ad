//! A private PostgreSQL cluster, so danvan and its tests run with nothing set up: found on PATH or
//! under /usr/lib/postgresql/*/bin, kept in a data directory, reached only by a Unix socket (no port
//! to clash with), run as an unprivileged user when we are root (initdb and postgres refuse root),
//! and stopped when the process that started it exits.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const INSTALL_HINT: &str = "PostgreSQL server binaries (initdb, postgres) not found in DANVAN_PG_BIN, on \
PATH or under /usr/lib/postgresql/*/bin: install them (Debian/Ubuntu: apt-get install postgresql; Fedora: dnf install \
postgresql-server; macOS: brew install postgresql) or set DATABASE_URL to an existing database";

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("{INSTALL_HINT}")]
    NoBinaries,
    #[error(
        "running as root, but there is no unprivileged `postgres` user to run the private cluster \
         (install the postgresql package, run danvan as a normal user, or set DATABASE_URL)"
    )]
    NoUnprivilegedUser,
    #[error("the socket path {0} is too long for a Unix socket; choose a shorter data directory")]
    SocketPathTooLong(PathBuf),
    #[error("{what} failed; see {log}:\n{tail}")]
    Failed {
        what: &'static str,
        log: PathBuf,
        tail: String,
    },
    // The source is printed as the cause: not in this message too.
    #[error("private cluster in {dir}")]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// A running private cluster.
#[derive(Debug, Clone)]
pub struct PrivateCluster {
    dir: PathBuf,
    socket_dir: PathBuf,
}

#[derive(Debug, Clone, Copy)]
pub struct ClusterOptions {
    /// Off for throwaway test clusters: faster, and nothing to keep after a crash.
    pub durable: bool,
}

impl PrivateCluster {
    /// Starts (creating if needed) the cluster in `dir`, or joins one already running there.
    pub fn start(dir: &Path, options: ClusterOptions) -> Result<PrivateCluster, ClusterError> {
        let bin = find_binaries().ok_or(ClusterError::NoBinaries)?;
        let io = |source| ClusterError::Io {
            dir: dir.to_owned(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        let dir = dir.canonicalize().map_err(io)?;
        let cluster = PrivateCluster {
            socket_dir: dir.join("run"),
            dir: dir.clone(),
        };
        let socket = cluster.socket_dir.join(".s.PGSQL.5432");
        if socket.as_os_str().len() >= 100 {
            return Err(ClusterError::SocketPathTooLong(socket));
        }
        let owner = unprivileged_owner()?;
        fs::create_dir_all(&cluster.socket_dir).map_err(io)?;
        if let Some((uid, gid)) = owner {
            for path in [&dir, &cluster.socket_dir] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(io)?;
            }
            // The unprivileged user must be able to reach the directory; say so instead of failing later.
            if let Some(ancestor) = unreachable_ancestor(&dir, uid) {
                return Err(io(std::io::Error::other(format!(
                    "{} is not searchable by the postgres user; set DANVAN_DATA_DIR to a directory elsewhere",
                    ancestor.display()
                ))));
            }
        }
        let data = dir.join("pgdata");
        if !data.join("PG_VERSION").exists() {
            let log = dir.join("initdb.log");
            let mut initdb = Command::new(bin.join("initdb"));
            initdb
                .args([
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "-D",
                ])
                .arg(&data);
            if !options.durable {
                initdb.arg("--no-sync");
            }
            let status = as_owner(&mut initdb, owner)
                .stdout(log_file(&log)?)
                .stderr(log_file(&log)?)
                .status();
            if !status.map_err(io)?.success() {
                return Err(failed("initdb", &log));
            }
        }
        // A server of ours may be starting up or shutting down (the previous process just exited):
        // wait until it is either ready to join or gone.
        let deadline = Instant::now() + Duration::from_secs(60);
        while !server_ready(&socket, &data) {
            if !server_alive(&data) {
                cluster.spawn_server(&bin, &data, owner, options)?;
                break;
            }
            if Instant::now() > deadline {
                return Err(failed(
                    "waiting for the running postgres",
                    &dir.join("postgres.log"),
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(cluster)
    }

    /// A connection URL for `database` on this cluster, through its socket.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost/{database}?host={}",
            self.socket_dir.display()
        )
    }

    fn spawn_server(
        &self,
        bin: &Path,
        data: &Path,
        owner: Option<(u32, u32)>,
        options: ClusterOptions,
    ) -> Result<(), ClusterError> {
        let log = self.dir.join("postgres.log");
        let mut postgres = Command::new(bin.join("postgres"));
        postgres
            .arg("-D")
            .arg(data)
            .arg("-k")
            .arg(&self.socket_dir)
            .args([
                "-c",
                "listen_addresses=",
                "-c",
                "max_connections=300",
                "-c",
                "shared_buffers=128MB",
            ]);
        if !options.durable {
            postgres.args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]);
        }
        as_owner(&mut postgres, owner)
            .stdin(Stdio::null())
            .stdout(log_file(&log)?)
            .stderr(log_file(&log)?);
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            postgres.pre_exec(move || {
                // After the uid change (which would clear it): when we exit, the server shuts down fast.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0
                    || libc::getppid() != parent
                {
                    return Err(std::io::Error::other("parent gone"));
                }
                Ok(())
            });
        }
        // The death signal fires when the forking *thread* ends, so fork from one that lives as long as
        // the process.
        let (sent, received) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("danvan-postgres".into())
            .spawn(move || {
                let child = postgres.spawn();
                let spawned = child.as_ref().map(|_| ()).map_err(|e| e.to_string());
                let _ = sent.send(spawned);
                if let Ok(mut child) = child {
                    let _ = child.wait();
                }
            })
            .map_err(|source| ClusterError::Io {
                dir: self.dir.clone(),
                source,
            })?;
        received
            .recv()
            .unwrap_or_else(|_| Err("server thread died".into()))
            .map_err(|e| ClusterError::Io {
                dir: self.dir.clone(),
                source: std::io::Error::other(e),
            })?;
        let socket = self.socket_dir.join(".s.PGSQL.5432");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if server_ready(&socket, data) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(failed("starting postgres", &log))
    }
}

/// Where the private cluster lives when no directory is given: `.danvan` in the current directory,
/// unless we run as root and the postgres user cannot reach it (a checkout under /root, a folder
/// made by `mktemp -d`). Then it is a directory of this checkout's own under /var/lib/danvan, and
/// `.danvan` becomes a link to it, so every later run finds the same cluster. Says so once, when
/// it makes that directory.
pub fn default_dir() -> Result<PathBuf, ClusterError> {
    let local = PathBuf::from(".danvan");
    if fs::symlink_metadata(&local).is_ok() {
        return Ok(local);
    }
    let Some((uid, _)) = unprivileged_owner()? else {
        return Ok(local);
    };
    let io = |dir: &Path| {
        let dir = dir.to_owned();
        move |source| ClusterError::Io { dir, source }
    };
    let here = std::env::current_dir().map_err(io(&local))?;
    if unreachable_ancestor(&here.join(&local), uid).is_none() {
        return Ok(local);
    }
    let name: String = here
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(24)
        .collect();
    let digest = <sha2::Sha256 as sha2::Digest>::digest(here.as_os_str().as_encoded_bytes());
    let tag: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let shared = Path::new(SHARED_DIR);
    let dir = shared.join(format!("{name}-{tag}"));
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    fs::set_permissions(shared, fs::Permissions::from_mode(0o755)).map_err(io(shared))?;
    let linked = std::os::unix::fs::symlink(&dir, &local).is_ok();
    eprintln!(
        "danvan: the postgres user cannot reach {}, so the private cluster lives in {}{}",
        here.display(),
        dir.display(),
        if linked { " (linked from .danvan)" } else { "" }
    );
    Ok(if linked { local } else { dir })
}

/// Where clusters go whose checkout the postgres user cannot reach.
const SHARED_DIR: &str = "/var/lib/danvan";

/// The first directory above `dir` that user `uid` cannot search, if any.
fn unreachable_ancestor(dir: &Path, uid: u32) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    dir.ancestors().skip(1).find_map(|ancestor| {
        let meta = fs::metadata(ancestor).ok()?;
        let searchable = if meta.uid() == uid {
            meta.mode() & 0o100 != 0
        } else {
            meta.mode() & 0o001 != 0
        };
        (!searchable).then(|| ancestor.to_owned())
    })
}

/// The directory holding initdb and postgres: `DANVAN_PG_BIN` when set, else PATH, else the
/// newest /usr/lib/postgresql/*/bin.
pub fn find_binaries() -> Option<PathBuf> {
    let has_all = |dir: &Path| ["initdb", "postgres"].iter().all(|b| dir.join(b).is_file());
    if let Some(dir) = std::env::var_os("DANVAN_PG_BIN") {
        return Some(PathBuf::from(dir)).filter(|d| has_all(d));
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| has_all(d));
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
            .filter(|(_, bin)| has_all(bin))
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

/// A client-side binary (pgbench, psql) from the same installation as the server.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let bin = find_binaries()?;
    // PATH may hold symlinks to the server binaries only; the tool sits beside their targets.
    let real_bin = bin
        .join("initdb")
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    [Some(bin), real_bin]
        .into_iter()
        .flatten()
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// When root, the uid/gid of the `postgres` system user that will own and run the cluster.
fn unprivileged_owner() -> Result<Option<(u32, u32)>, ClusterError> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 3 && f[0] == "postgres")
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .map(Some)
        .ok_or(ClusterError::NoUnprivilegedUser)
}

fn as_owner(command: &mut Command, owner: Option<(u32, u32)>) -> &mut Command {
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid).env("HOME", "/tmp");
    }
    command
}

/// Whether the postmaster named in the data directory's lock file is running.
fn server_alive(data: &Path) -> bool {
    fs::read_to_string(data.join("postmaster.pid"))
        .ok()
        .and_then(|pid| pid.lines().next()?.trim().parse::<i32>().ok())
        // SAFETY: signal 0 only checks that the process exists.
        .is_some_and(|pid| unsafe { libc::kill(pid, 0) } == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

/// Whether a server accepts connections on `socket`: it answers there, and its postmaster.pid says
/// "ready" (a server still starting up or recovering refuses connections).
fn server_ready(socket: &Path, data: &Path) -> bool {
    let ready = fs::read_to_string(data.join("postmaster.pid")).is_ok_and(|pid| {
        pid.lines()
            .nth(7)
            .is_some_and(|status| status.trim() == "ready")
    });
    ready && std::os::unix::net::UnixStream::connect(socket).is_ok()
}

fn log_file(path: &Path) -> Result<fs::File, ClusterError> {
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|source| ClusterError::Io {
            dir: path.to_owned(),
            source,
        })
}

fn failed(what: &'static str, log: &Path) -> ClusterError {
    let text = fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(8).collect();
    ClusterError::Failed {
        what,
        log: log.to_owned(),
        tail: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
    }
}
