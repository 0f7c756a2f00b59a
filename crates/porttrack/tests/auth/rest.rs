//! Access over REST: every route of the table without a token, without
//! its scope and with it, and every operation the API describes tabled.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};

use crate::{common::http, suite::Suite, tables::REST};

pub async fn rest_table(suite: &Suite) {
    let base = suite.service.http_url();
    for &(method, template, scope) in REST {
        let path = template
            .replace("{mmsi}", "257600001")
            .replace("{number}", "MSCU1234565")
            .replace(['{', '}'], "");
        let send = |token: Option<String>| {
            let mut request = http()
                .request(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    format!("{base}{path}"),
                )
                .header("content-type", "application/json")
                .body("{}");
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };
        let what = format!("{method} {template}");

        let none = send(None).await.expect(&what);
        assert_eq!(
            none.status(),
            StatusCode::UNAUTHORIZED,
            "{what} without a token"
        );
        assert_eq!(
            none.headers()["www-authenticate"],
            r#"Bearer realm="porttrack""#,
            "{what}"
        );
        let problem: serde_json::Value = none.json().await.expect("problem+json");
        assert_eq!(problem["status"], 401, "{what}");

        let wrong = send(Some(suite.all_but(scope))).await.expect(&what);
        assert_eq!(
            wrong.status(),
            StatusCode::FORBIDDEN,
            "{what} without {scope}"
        );
        let challenge = wrong.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            challenge.contains(r#"error="insufficient_scope""#) && challenge.contains(scope),
            "{what}: {challenge}"
        );

        let right = send(Some(suite.token(&[scope]))).await.expect(&what);
        assert!(
            ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&right.status()),
            "{what} with {scope}: {}",
            right.status()
        );
    }
    // A bad token is 401 with `invalid_token`, whatever the route.
    let bad = http()
        .get(format!("{base}/v1/vessels"))
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(
        bad.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains(r#"error="invalid_token""#)
    );

    // Every operation the API describes has a row above.
    let doc: serde_json::Value = http()
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let described: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let tabled: BTreeSet<(String, String)> = REST
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = described.difference(&tabled).collect();
    assert!(missing.is_empty(), "operations without a row: {missing:?}");
}
