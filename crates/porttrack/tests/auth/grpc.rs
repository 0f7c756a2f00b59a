//! Access over gRPC: every method of the table without a token, without
//! its scope and with it, and every method the services declare tabled.

use std::collections::BTreeSet;

use prost::Message as _;

use crate::{
    suite::{Suite, call},
    tables::GRPC,
};

pub async fn grpc_table(suite: &Suite) {
    for &(service, method, scope) in GRPC {
        let what = format!("{service}/{method}");
        assert_eq!(
            call(suite, service, method, None).await,
            tonic::Code::Unauthenticated,
            "{what} without a token"
        );
        assert_eq!(
            call(suite, service, method, Some(suite.all_but(scope))).await,
            tonic::Code::PermissionDenied,
            "{what} without {scope}"
        );
        let right = call(suite, service, method, Some(suite.token(&[scope]))).await;
        assert!(
            ![tonic::Code::Unauthenticated, tonic::Code::PermissionDenied].contains(&right),
            "{what} with {scope}: {right:?}"
        );
    }
    // Every method of every PortTrack service has a row above.
    let set = prost_types::FileDescriptorSet::decode(porttrack_proto::FILE_DESCRIPTOR_SET)
        .expect("descriptor set");
    let declared: BTreeSet<String> = set
        .file
        .iter()
        .flat_map(|f| {
            f.service.iter().flat_map(move |s| {
                s.method
                    .iter()
                    .map(move |m| format!("{}.{}/{}", f.package(), s.name(), m.name()))
            })
        })
        .collect();
    let tabled: BTreeSet<String> = GRPC.iter().map(|(s, m, _)| format!("{s}/{m}")).collect();
    assert_eq!(declared, tabled, "gRPC methods and their rows");
}
