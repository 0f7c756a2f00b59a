//! Compiles `proto/` with protox (pure Rust), so no system `protoc` is needed.

use std::{env, fs, path::PathBuf};

use prost::Message;

const PROTOS: &[&str] = &[
    "porttrack/events/v1/events.proto",
    "porttrack/ingest/v1/ingest.proto",
    "porttrack/ships/v1/ships.proto",
    "porttrack/routes/v1/events.proto",
    "porttrack/routes/v1/routes.proto",
    "porttrack/cargo/v1/cargo.proto",
    "porttrack/staff/v1/staff.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    println!("cargo:rerun-if-changed={}", root.display());

    let fds = protox::compile(PROTOS, [&root])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    // Served by gRPC reflection so grpcurl works without the .proto files.
    fs::write(out.join("porttrack_descriptor.bin"), fds.encode_to_vec())?;

    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(fds)?;
    Ok(())
}
