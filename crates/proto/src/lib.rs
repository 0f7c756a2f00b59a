//! Generated protobuf types and gRPC stubs, shared by every PortTrack crate.
//!
//! - [`events`]: records published to Kafka (`porttrack.events.v1`).
//! - [`ingest`]: the feed-facing API (`porttrack.ingest.v1`).
//! - [`ships`]: the port-authority API (`porttrack.ships.v1`).
//! - [`cargo`]: manifests and dangerous goods (`porttrack.cargo.v1`).
//! - [`FILE_DESCRIPTOR_SET`]: every file above, for gRPC server reflection.

#![allow(missing_debug_implementations, clippy::all)]

pub mod events {
    pub mod v1 {
        tonic::include_proto!("porttrack.events.v1");

        /// Version written into every event's `schema_version` field.
        pub const SCHEMA_VERSION: u32 = 1;

        /// Topic names; every record is keyed by the vessel's MMSI in decimal.
        pub mod topics {
            /// [`super::PositionReport`] records.
            pub const POSITIONS: &str = "porttrack.ais.positions.v1";
            /// [`super::VesselStatic`] records (compacted: latest per vessel).
            pub const STATIC: &str = "porttrack.ais.static.v1";
            /// [`super::RejectedInput`] records: the dead-letter topic.
            pub const REJECTS: &str = "porttrack.ais.rejects.v1";
        }
    }
}

pub mod ingest {
    pub mod v1 {
        tonic::include_proto!("porttrack.ingest.v1");
    }
}

pub mod ships {
    pub mod v1 {
        tonic::include_proto!("porttrack.ships.v1");
    }
}

pub mod cargo {
    pub mod v1 {
        tonic::include_proto!("porttrack.cargo.v1");

        /// Version written into every [`ManifestEvent`]'s `schema_version`.
        pub const SCHEMA_VERSION: u32 = 1;

        /// Topic names; records are keyed by the port call id.
        pub mod topics {
            /// [`super::ManifestEvent`] records.
            pub const MANIFESTS: &str = "porttrack.cargo.manifests.v1";
        }
    }
}

pub mod staff {
    pub mod v1 {
        tonic::include_proto!("porttrack.staff.v1");
    }
}

pub mod routes {
    pub mod v1 {
        tonic::include_proto!("porttrack.routes.v1");

        /// Version written into every routes event's `schema_version`.
        pub const SCHEMA_VERSION: u32 = 1;

        pub mod topics {
            /// [`super::PortCallEvent`] records, keyed by port call id.
            pub const PORT_CALLS: &str = "porttrack.routes.portcalls.v1";
            /// [`super::ZoneEvent`] records, keyed by MMSI.
            pub const ZONES: &str = "porttrack.routes.zones.v1";
        }
    }
}

/// Encoded `FileDescriptorSet` of every PortTrack proto.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/porttrack_descriptor.bin"));
