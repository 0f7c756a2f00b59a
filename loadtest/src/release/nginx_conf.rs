//! nginx's configuration as the harness writes it: weighted upstreams per
//! service for REST and gRPC, routing as an ingress would, and the
//! generation a reload is recognised by.

use std::{fmt::Write as _, net::SocketAddr, path::Path};

use super::nginx::Upstreams;

/// Running as root, nginx would hand its workers to `nobody`, who cannot
/// write the temp directory; as anyone else the directive is ignored.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

/// The whole configuration. Upstreams with no member get a server that
/// refuses at once (port 1 on loopback), as a Service with no endpoints.
pub fn config(
    dir: &Path,
    http: SocketAddr,
    grpc: SocketAddr,
    generation: u64,
    u: &Upstreams,
) -> String {
    let d = dir.display();
    let mut c = String::new();
    if is_root() {
        c.push_str("user root;\n");
    }
    let _ = write!(
        c,
        r#"worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    # What the balancer saw per request, to tell where a failure came from.
    log_format zdt '$msec $status $request_method $uri up=$upstream_addr ups=$upstream_status grpc=$sent_trailer_grpc_status rt=$request_time';
    access_log {d}/access.log zdt;
    client_body_temp_path {d}/temp/body;
    proxy_temp_path {d}/temp/proxy;
    fastcgi_temp_path {d}/temp/fastcgi;
    uwsgi_temp_path {d}/temp/uwsgi;
    scgi_temp_path {d}/temp/scgi;
    client_max_body_size 8m;
    # nginx closes a client connection after 1000 requests by default (with
    # an HTTP/2 GOAWAY): a failure no deployment causes, so none here.
    keepalive_requests 1000000;
    keepalive_timeout 1h;
    # A refused or reset connection is tried on the next upstream; nginx
    # never resends a POST it has already sent.
    proxy_next_upstream error timeout;
    grpc_next_upstream error timeout;
    proxy_connect_timeout 2s;
    grpc_connect_timeout 2s;
    proxy_read_timeout 1h;
    grpc_read_timeout 1h;
    grpc_send_timeout 1h;
"#
    );
    for (name, members, pick) in [
        ("ingest_http", &u.ingest, 0),
        ("ships_http", &u.ships, 0),
        ("ingest_grpc", &u.ingest, 1),
        ("ships_grpc", &u.ships, 1),
    ] {
        let _ = writeln!(c, "    upstream {name} {{");
        for m in members.iter().filter(|m| m.weight > 0) {
            let addr = if pick == 0 { m.http } else { m.grpc };
            let _ = writeln!(c, "        server {addr} weight={};", m.weight);
        }
        if members.iter().all(|m| m.weight == 0) {
            let _ = writeln!(c, "        server 127.0.0.1:1;");
        }
        let _ = writeln!(
            c,
            "        keepalive 64;\n        keepalive_requests 1000000;\n    }}"
        );
    }
    let _ = write!(
        c,
        r#"    server {{
        listen {http};
        location = /__generation {{ return 200 "{generation}"; }}
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location = /v1/positions {{ proxy_pass http://ingest_http; }}
        location = /v1/nmea {{ proxy_pass http://ingest_http; }}
        # Server-sent events go out as they come.
        location /v1/positions/stream {{ proxy_pass http://ships_http; proxy_buffering off; }}
        location / {{ proxy_pass http://ships_http; }}
    }}
    server {{
        listen {grpc} http2;
        location /porttrack.ingest.v1. {{ grpc_pass grpc://ingest_grpc; }}
        location / {{ grpc_pass grpc://ships_grpc; }}
    }}
}}
"#
    );
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::nginx::Member;

    #[test]
    fn weights_and_empty_upstreams_are_written() {
        let m = |p: u16, weight| Member {
            http: SocketAddr::from(([127, 0, 0, 1], p)),
            grpc: SocketAddr::from(([127, 0, 0, 1], p + 1)),
            weight,
        };
        let u = Upstreams {
            ingest: vec![m(1000, 95), m(2000, 5)],
            ships: vec![m(3000, 0)],
        };
        let any: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let c = config(Path::new("/x"), any, any, 7, &u);
        assert!(c.contains("server 127.0.0.1:1000 weight=95;"), "{c}");
        assert!(c.contains("server 127.0.0.1:2001 weight=5;"), "{c}");
        assert!(!c.contains("127.0.0.1:3000"), "{c}");
        assert!(c.contains("server 127.0.0.1:1;"), "{c}");
        assert!(c.contains("return 200 \"7\""), "{c}");
    }
}
