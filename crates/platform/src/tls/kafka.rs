//! librdkafka's security settings from [`KafkaSecuritySettings`], checked
//! before any client is created so a mistake is reported with the variable
//! that holds it rather than as a librdkafka property.

use rdkafka::ClientConfig;

use super::{TlsError, key_from_pem, load_certs, read};
use crate::{
    secret::Secret,
    settings::{KafkaProtocol, KafkaSecuritySettings},
};

const PROTOCOL_KEY: &str = "PORTTRACK_KAFKA_SECURITY_PROTOCOL";
const MECHANISMS: [&str; 3] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

/// Properties every Kafka client of the process gets. The SASL password is
/// held as a [`Secret`]; rdkafka's own `Debug` redacts it too.
#[derive(Debug, Clone, Default)]
pub struct KafkaSecurity {
    properties: Vec<(&'static str, String)>,
    sasl_password: Option<Secret<String>>,
}

impl KafkaSecurity {
    pub fn from_settings(s: &KafkaSecuritySettings) -> Result<Self, TlsError> {
        let protocol = s.kafka_security_protocol;
        let tls = matches!(protocol, KafkaProtocol::Ssl | KafkaProtocol::SaslSsl);
        let sasl = matches!(
            protocol,
            KafkaProtocol::SaslPlaintext | KafkaProtocol::SaslSsl
        );
        let mut out = Self::default();
        out.properties
            .push(("security.protocol", name(protocol).into()));

        let ssl_files = [
            ("PORTTRACK_KAFKA_SSL_CA", "ssl.ca.location", &s.kafka_ssl_ca),
            (
                "PORTTRACK_KAFKA_SSL_CERT",
                "ssl.certificate.location",
                &s.kafka_ssl_cert,
            ),
            (
                "PORTTRACK_KAFKA_SSL_KEY",
                "ssl.key.location",
                &s.kafka_ssl_key,
            ),
        ];
        for (key, property, path) in ssl_files {
            let Some(path) = path else { continue };
            if !tls {
                return Err(unused(key, protocol));
            }
            if property == "ssl.key.location" {
                key_from_pem(key, path, &read(key, path)?)?;
            } else {
                load_certs(key, path)?;
            }
            out.properties.push((property, path.display().to_string()));
        }

        let sasl_settings = [
            (
                "PORTTRACK_KAFKA_SASL_MECHANISM",
                s.kafka_sasl_mechanism.is_some(),
            ),
            (
                "PORTTRACK_KAFKA_SASL_USERNAME",
                s.kafka_sasl_username.is_some(),
            ),
            (
                "PORTTRACK_KAFKA_SASL_PASSWORD_FILE",
                s.kafka_sasl_password_file.is_some(),
            ),
        ];
        for (key, set) in sasl_settings {
            if set && !sasl {
                return Err(unused(key, protocol));
            }
            if !set && sasl {
                return Err(TlsError::Setting {
                    key,
                    reason: format!("required with {PROTOCOL_KEY}={}", name(protocol)),
                });
            }
        }
        if let (Some(mechanism), Some(user), Some(file)) = (
            &s.kafka_sasl_mechanism,
            &s.kafka_sasl_username,
            &s.kafka_sasl_password_file,
        ) {
            if !MECHANISMS.contains(&mechanism.as_str()) {
                return Err(TlsError::Setting {
                    key: "PORTTRACK_KAFKA_SASL_MECHANISM",
                    reason: format!("`{mechanism}` is not one of {}", MECHANISMS.join(", ")),
                });
            }
            let key = "PORTTRACK_KAFKA_SASL_PASSWORD_FILE";
            let password = String::from_utf8(read(key, file)?).map_err(|_| TlsError::Invalid {
                key,
                path: file.clone(),
                reason: "not UTF-8".into(),
            })?;
            out.properties.push(("sasl.mechanism", mechanism.clone()));
            out.properties.push(("sasl.username", user.clone()));
            out.sasl_password = Some(Secret::new(
                password.trim_end_matches(['\r', '\n']).to_owned(),
            ));
        }
        Ok(out)
    }

    pub fn apply(&self, config: &mut ClientConfig) {
        for (property, value) in &self.properties {
            config.set(*property, value);
        }
        if let Some(password) = &self.sasl_password {
            config.set("sasl.password", password.expose());
        }
    }
}

fn name(protocol: KafkaProtocol) -> &'static str {
    match protocol {
        KafkaProtocol::Plaintext => "plaintext",
        KafkaProtocol::Ssl => "ssl",
        KafkaProtocol::SaslPlaintext => "sasl_plaintext",
        KafkaProtocol::SaslSsl => "sasl_ssl",
    }
}

fn unused(key: &'static str, protocol: KafkaProtocol) -> TlsError {
    TlsError::Setting {
        key,
        reason: format!("set, but {PROTOCOL_KEY}={} does not use it", name(protocol)),
    }
}

#[cfg(test)]
mod tests {
    use porttrack_testkit::tls::{TestCa, write_atomically};

    use super::*;

    fn properties(security: &KafkaSecurity) -> ClientConfig {
        let mut config = ClientConfig::new();
        security.apply(&mut config);
        config
    }

    #[test]
    fn tls_and_sasl_become_librdkafka_properties() {
        let ca = TestCa::new("test CA");
        let client = ca.issue("client", &["client"]);
        let password = ca.path("password");
        write_atomically(&password, "hunter2\n");
        let settings = KafkaSecuritySettings {
            kafka_security_protocol: KafkaProtocol::SaslSsl,
            kafka_ssl_ca: Some(ca.ca_path()),
            kafka_ssl_cert: Some(client.cert.clone()),
            kafka_ssl_key: Some(client.key.clone()),
            kafka_sasl_mechanism: Some("SCRAM-SHA-512".into()),
            kafka_sasl_username: Some("porttrack".into()),
            kafka_sasl_password_file: Some(password),
        };
        let security = KafkaSecurity::from_settings(&settings).unwrap();
        let config = properties(&security);
        assert_eq!(config.get("security.protocol"), Some("sasl_ssl"));
        let ca_path = ca.ca_path().display().to_string();
        assert_eq!(config.get("ssl.ca.location"), Some(ca_path.as_str()));
        assert!(config.get("ssl.key.location").is_some());
        assert_eq!(config.get("sasl.mechanism"), Some("SCRAM-SHA-512"));
        assert_eq!(config.get("sasl.password"), Some("hunter2"));
        assert!(!format!("{security:?}").contains("hunter2"));
    }

    #[test]
    fn mistakes_name_the_variable() {
        let ca = TestCa::new("test CA");
        let check = |settings: KafkaSecuritySettings, key: &str| {
            let err = KafkaSecurity::from_settings(&settings)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(key), "{err}");
        };
        check(
            KafkaSecuritySettings {
                kafka_ssl_ca: Some(ca.ca_path()),
                ..Default::default()
            },
            "PORTTRACK_KAFKA_SSL_CA",
        );
        check(
            KafkaSecuritySettings {
                kafka_security_protocol: KafkaProtocol::Ssl,
                kafka_ssl_ca: Some(ca.path("missing.pem")),
                ..Default::default()
            },
            "PORTTRACK_KAFKA_SSL_CA",
        );
        check(
            KafkaSecuritySettings {
                kafka_security_protocol: KafkaProtocol::SaslPlaintext,
                kafka_sasl_mechanism: Some("GSSAPI".into()),
                kafka_sasl_username: Some("u".into()),
                kafka_sasl_password_file: Some(ca.ca_path()),
                ..Default::default()
            },
            "PORTTRACK_KAFKA_SASL_MECHANISM",
        );
        check(
            KafkaSecuritySettings {
                kafka_security_protocol: KafkaProtocol::SaslSsl,
                kafka_sasl_mechanism: Some("PLAIN".into()),
                ..Default::default()
            },
            "PORTTRACK_KAFKA_SASL_USERNAME",
        );
        let plaintext = KafkaSecurity::from_settings(&Default::default()).unwrap();
        assert_eq!(
            properties(&plaintext).get("security.protocol"),
            Some("plaintext")
        );
    }
}
