//! Optimistic concurrency and retry-safe creates, the same in every service:
//! a resource's version is its `ETag`, a change names the version it was
//! based on in `If-Match`, and a create may carry an `Idempotency-Key`.
//! A stale `If-Match` is [`ApiError::Stale`] (HTTP 412, gRPC ABORTED).

use axum::http::{HeaderMap, HeaderValue, header};

use crate::ApiError;

/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 200;

/// `"3"` for version 3.
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// `If-Match: "3"` (weak or strong) as a version; `None` when absent or `*`.
/// `what` names the resource in the error ("manifest").
pub fn if_match(headers: &HeaderMap, what: &str) -> Result<Option<i64>, ApiError> {
    let Some(raw) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid(
            "If-Match",
            format!("expected the {what}'s ETag, such as \"3\""),
        )
    };
    let s = raw.to_str().map_err(|_| bad())?.trim();
    if s == "*" {
        return Ok(None);
    }
    s.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| bad())
}

/// As [`if_match`], for changes that must say which version they change.
pub fn require_if_match(headers: &HeaderMap, what: &str) -> Result<i64, ApiError> {
    if_match(headers, what)?.ok_or_else(|| {
        ApiError::invalid(
            "If-Match",
            format!("required: the ETag of the {what} as last read"),
        )
    })
}

/// The `Idempotency-Key` header, or else the key the body carries.
pub fn idempotency_key<'a>(
    headers: &'a HeaderMap,
    body: Option<&'a str>,
) -> Result<Option<&'a str>, ApiError> {
    match headers.get("idempotency-key") {
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII")),
        None => Ok(body),
    }
}

/// A key as stored: trimmed, empty meaning none, bounded in length.
pub fn check_idempotency_key(key: Option<&str>) -> Result<Option<&str>, ApiError> {
    match key.map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) if k.len() <= MAX_IDEMPOTENCY_KEY => Ok(Some(k)),
        Some(_) => Err(ApiError::invalid(
            "idempotency_key",
            format!("at most {MAX_IDEMPOTENCY_KEY} characters"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &'static str, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn if_match_reads_strong_and_weak_etags() {
        assert_eq!(
            if_match(&headers("if-match", "\"3\""), "x").unwrap(),
            Some(3)
        );
        assert_eq!(
            if_match(&headers("if-match", "W/\"7\""), "x").unwrap(),
            Some(7)
        );
        assert_eq!(if_match(&headers("if-match", "*"), "x").unwrap(), None);
        assert_eq!(if_match(&HeaderMap::new(), "x").unwrap(), None);
        assert!(if_match(&headers("if-match", "\"three\""), "x").is_err());
        assert!(require_if_match(&HeaderMap::new(), "manifest").is_err());
        assert_eq!(etag(3), "\"3\"");
    }

    #[test]
    fn idempotency_keys_come_from_the_header_first_and_are_bounded() {
        let h = headers("idempotency-key", "abc");
        assert_eq!(idempotency_key(&h, Some("body")).unwrap(), Some("abc"));
        assert_eq!(
            idempotency_key(&HeaderMap::new(), Some("body")).unwrap(),
            Some("body")
        );
        assert_eq!(check_idempotency_key(Some("  ")).unwrap(), None);
        assert_eq!(check_idempotency_key(Some(" k ")).unwrap(), Some("k"));
        assert!(check_idempotency_key(Some(&"k".repeat(201))).is_err());
    }
}
