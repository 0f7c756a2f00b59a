//! How the multi-row statements spell their parameters on each engine.

/// How the multi-row statements name their parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Params {
    /// `$1, $2, ...`: what PostgreSQL takes.
    Numbered,
    /// `?, ?, ...`, bound in order. SQLite treats `$n` as a *named*
    /// parameter and looks each name up in a list of those seen so far,
    /// when parsing and again when sqlx binds: a cost that grows with the
    /// square of the parameter count. A 500-row insert (4,000 parameters)
    /// spent 80% of its time there; anonymous parameters skip the list.
    Positional,
}

/// `($1, $2), ($3, $4), ...` (or `(?, ?), (?, ?), ...`) for `rows` rows
/// of `cols` columns.
pub(super) fn placeholders(params: Params, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=cols)
                .map(|c| match params {
                    Params::Numbered => format!("${}", r * cols + c),
                    Params::Positional => "?".to_owned(),
                })
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_or_leave_anonymous_by_backend() {
        assert_eq!(
            placeholders(Params::Numbered, 2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(
            placeholders(Params::Positional, 2, 3),
            "(?, ?, ?), (?, ?, ?)"
        );
    }
}
