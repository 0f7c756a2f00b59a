//! The instances behind the balancer, and the harness as Kubernetes'
//! endpoints controller: an instance joins its upstream only once its
//! readiness answers, and leaves it at the moment it is told to stop.
//!
//! Leaving: Kubernetes removes a deleted pod from its endpoints and sends it
//! SIGTERM at the same time, not one after the other; the pod's drain delay
//! (`PORTTRACK_DRAIN_DELAY`, unready but still serving) is what covers the
//! load balancer's reaction time. The harness does the same: SIGTERM, then
//! the reload, so a reload slower than the drain delay would show up as
//! failed requests instead of being hidden by a convenient order.

use std::{path::PathBuf, time::Duration};

use porttrack_testkit::process::Service;

use super::nginx::{Member, Nginx, NginxError, Upstreams};

/// What an instance runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Ingest,
    Ships,
}

impl Role {
    fn command(self) -> &'static str {
        match self {
            Self::Ingest => "ingest",
            Self::Ships => "ships",
        }
    }
}

/// What the instances share: the binary, the broker and the database.
#[derive(Debug, Clone)]
pub struct Env {
    pub bin: PathBuf,
    pub brokers: String,
    pub database_url: String,
    pub drain_delay: Duration,
}

#[derive(Debug)]
pub struct Instance {
    pub name: String,
    pub role: Role,
    /// The release label ("v1", "v2", "canary", ...).
    pub version: String,
    pub weight: u32,
    pub service: Service,
    _data: tempfile::TempDir,
}

impl Instance {
    pub fn member(&self) -> Member {
        Member {
            http: self.service.addr("http"),
            grpc: self.service.addr("grpc"),
            weight: self.weight,
        }
    }

    pub fn metrics_url(&self) -> String {
        format!("{}/metrics", self.service.http_url())
    }
}

/// Every instance, and the balancer in front of them.
#[derive(Debug)]
pub struct Fleet {
    pub env: Env,
    pub instances: Vec<Instance>,
    pub nginx: Nginx,
    started: u32,
    http: reqwest::Client,
}

impl Fleet {
    /// Starts `ingest` and `ships` instances of release `version`, each
    /// ready, and nginx in front of them.
    pub async fn start(
        env: Env,
        ingest: u32,
        ships: u32,
        version: &str,
    ) -> Result<Self, NginxError> {
        let mut instances = Vec::new();
        let mut started = 0;
        for role in std::iter::repeat_n(Role::Ingest, ingest as usize)
            .chain(std::iter::repeat_n(Role::Ships, ships as usize))
        {
            started += 1;
            instances.push(spawn(&env, role, version, started, &[]).await);
        }
        let nginx = Nginx::start(&upstreams(&instances)).await?;
        Ok(Self {
            env,
            instances,
            nginx,
            started,
            http: reqwest::Client::new(),
        })
    }

    /// Starts a new instance, waits until it is ready, then gives it
    /// `weight` in the balancer. Returns its name.
    pub async fn add(
        &mut self,
        role: Role,
        version: &str,
        weight: u32,
        extra_env: &[(&str, String)],
    ) -> Result<String, NginxError> {
        self.started += 1;
        let mut i = spawn(&self.env, role, version, self.started, extra_env).await;
        i.weight = weight;
        let name = i.name.clone();
        self.instances.push(i);
        self.apply().await?;
        Ok(name)
    }

    /// SIGTERM and removal from the balancer at once (see the module
    /// comment), then waits for a clean exit.
    pub async fn remove(&mut self, name: &str) -> Result<(), NginxError> {
        let mut i = self.instances.remove(self.position(name));
        i.service.terminate();
        self.apply().await?;
        let name = i.name.clone();
        let status = tokio::task::spawn_blocking(move || i.service.wait(Duration::from_secs(60)))
            .await
            .expect("waiting for an instance");
        if !status.success() {
            return Err(NginxError::Config(format!(
                "{name} exited with {status} after SIGTERM"
            )));
        }
        Ok(())
    }

    /// Sets weights by instance name and applies them.
    pub async fn set_weights(&mut self, weights: &[(String, u32)]) -> Result<(), NginxError> {
        for (name, w) in weights {
            let i = self.position(name);
            self.instances[i].weight = *w;
        }
        self.apply().await
    }

    /// Names of the instances `pick` chooses.
    pub fn names(&self, pick: impl Fn(&Instance) -> bool) -> Vec<String> {
        self.instances
            .iter()
            .filter(|i| pick(i))
            .map(|i| i.name.clone())
            .collect()
    }

    pub fn get(&self, name: &str) -> &Instance {
        &self.instances[self.position(name)]
    }

    fn position(&self, name: &str) -> usize {
        self.instances
            .iter()
            .position(|i| i.name == name)
            .unwrap_or_else(|| panic!("no instance {name}"))
    }

    /// Instances that exited on their own, with the end of their log: a
    /// release step must never take one down.
    pub fn casualties(&mut self) -> Vec<String> {
        self.instances
            .iter_mut()
            .filter_map(|i| {
                let status = i.service.exited()?;
                let log = i.service.log();
                let tail = log[log.len().saturating_sub(15)..].join("\n");
                Some(format!(
                    "{} exited ({status}) unbidden; last log lines:\n{tail}",
                    i.name
                ))
            })
            .collect()
    }

    pub async fn apply(&mut self) -> Result<(), NginxError> {
        self.nginx.apply(&upstreams(&self.instances)).await
    }

    /// The text of an instance's `/metrics`.
    pub async fn scrape(&self, name: &str) -> Option<String> {
        let r = self
            .http
            .get(self.get(name).metrics_url())
            .send()
            .await
            .ok()?;
        r.text().await.ok()
    }
}

fn upstreams(instances: &[Instance]) -> Upstreams {
    let of = |role| {
        instances
            .iter()
            .filter(|i| i.role == role)
            .map(Instance::member)
            .collect()
    };
    Upstreams {
        ingest: of(Role::Ingest),
        ships: of(Role::Ships),
    }
}

/// Starts one instance and waits for its readiness (what a readiness probe
/// waits for before the endpoints controller adds it).
async fn spawn(env: &Env, role: Role, version: &str, n: u32, extra: &[(&str, String)]) -> Instance {
    let data = tempfile::tempdir().expect("tempdir");
    let mut vars = vec![
        ("PORTTRACK_KAFKA_BROKERS", env.brokers.clone()),
        ("PORTTRACK_DATA_DIR", data.path().display().to_string()),
        (
            "PORTTRACK_DRAIN_DELAY",
            format!("{}ms", env.drain_delay.as_millis()),
        ),
        ("PORTTRACK_SHUTDOWN_GRACE", "30s".to_owned()),
    ];
    if role == Role::Ships {
        vars.push(("PORTTRACK_DATABASE_URL", env.database_url.clone()));
    }
    vars.extend(extra.iter().cloned());
    let vars: Vec<(String, String)> = vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let bin = env.bin.display().to_string();
    let service = tokio::task::spawn_blocking(move || {
        let vars: Vec<(&str, String)> = vars.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        Service::start(&bin, &[role.command()], &vars)
    })
    .await
    .expect("starting an instance");
    let ready = format!("{}/health/ready", service.http_url());
    let http = reqwest::Client::new();
    let (http, ready) = (&http, &ready);
    porttrack_testkit::eventually(
        "a new instance to be ready",
        Duration::from_secs(60),
        move || async move {
            http.get(ready)
                .send()
                .await
                .ok()
                .filter(|r| r.status().is_success())
                .map(drop)
        },
    )
    .await;
    Instance {
        name: format!("{}-{n}", role.command()),
        role,
        version: version.to_owned(),
        // Canary weights are shares of 100 per stable instance.
        weight: 100,
        service,
        _data: data,
    }
}
