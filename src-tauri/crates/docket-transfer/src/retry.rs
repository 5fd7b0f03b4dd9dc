//! What to do after a failure, decided from the error's variant: retry later, refresh the link or credential
//! and continue, or give up with the server's message.

use std::time::Duration;

use docket_core::ProviderError;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries of transient failures (resets, timeouts, 5xx, 429, bad chunks) before giving up.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Link refreshes in a row without a byte of progress before giving up.
    pub max_refreshes: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_refreshes: 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try the same thing again after this long.
    RetryAfter(Duration),
    /// Ask the provider for a fresh link, ticket or staged file, then continue from the committed offset.
    Refresh,
    /// Give up: the error is final.
    Fail,
}

impl RetryPolicy {
    /// `attempt` is how many retries were already made (0 for the first failure); `reauthenticated` says whether
    /// the one re-authentication allowed after a refusal was already spent.
    pub fn decide(&self, error: &ProviderError, attempt: u32, reauthenticated: bool) -> Decision {
        match error {
            ProviderError::Transient { .. } | ProviderError::Integrity { .. } => {
                self.retry(attempt, None)
            }
            ProviderError::RateLimited { retry_after, .. } => self.retry(attempt, *retry_after),
            ProviderError::LinkExpired { .. } => Decision::Refresh,
            ProviderError::Unauthorized { .. } if !reauthenticated => Decision::Refresh,
            ProviderError::Unauthorized { .. }
            | ProviderError::NotFound { .. }
            | ProviderError::NotDownloadable { .. }
            | ProviderError::Protocol { .. }
            | ProviderError::JobFailed { .. }
            | ProviderError::InvalidRequest { .. } => Decision::Fail,
        }
    }

    fn retry(&self, attempt: u32, server_asked: Option<Duration>) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::Fail;
        }
        let backoff = self.backoff(attempt);
        // However the provider read the server's wish, no wait beyond the cap is honoured.
        let asked = server_asked.map(docket_core::retry_after::cap);
        Decision::RetryAfter(asked.map_or(backoff, |asked| asked.max(backoff)))
    }

    /// Exponential backoff with jitter: between half and all of `base * 2^attempt`, capped, so many clients
    /// failing together do not retry in step.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        exponential.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_refreshes: 2,
        }
    }

    #[test]
    fn transient_failures_back_off_exponentially_with_jitter_up_to_the_cap() {
        let policy = policy();
        for attempt in 0..8 {
            let full = Duration::from_millis(100 * (1 << attempt)).min(Duration::from_secs(1));
            let delay = policy.backoff(attempt);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
    }

    #[test]
    fn retries_stop_after_the_configured_count() {
        let err = ProviderError::transient("reset");
        assert!(matches!(
            policy().decide(&err, 2, false),
            Decision::RetryAfter(_)
        ));
        assert_eq!(policy().decide(&err, 3, false), Decision::Fail);
    }

    #[test]
    fn a_429_waits_at_least_as_long_as_the_server_asked() {
        let err = ProviderError::RateLimited {
            message: "slow down".into(),
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(
            policy().decide(&err, 0, false),
            Decision::RetryAfter(Duration::from_secs(7))
        );
    }

    #[test]
    fn a_429_asking_for_a_week_waits_an_hour_at_most() {
        let err = ProviderError::RateLimited {
            message: "come back next week".into(),
            retry_after: Some(Duration::from_secs(7 * 24 * 3600)),
        };
        assert_eq!(
            policy().decide(&err, 0, false),
            Decision::RetryAfter(docket_core::retry_after::MAX_WAIT)
        );
    }

    #[test]
    fn an_expired_link_is_refreshed_and_a_refusal_only_once() {
        let expired = ProviderError::LinkExpired {
            message: "Request has expired".into(),
        };
        assert_eq!(policy().decide(&expired, 9, true), Decision::Refresh);
        let refused = ProviderError::Unauthorized {
            message: "bad token".into(),
        };
        assert_eq!(policy().decide(&refused, 0, false), Decision::Refresh);
        assert_eq!(policy().decide(&refused, 0, true), Decision::Fail);
    }

    #[test]
    fn missing_and_undownloadable_documents_fail_at_once() {
        for err in [
            ProviderError::NotFound {
                message: "Document not found".into(),
            },
            ProviderError::NotDownloadable {
                message: "Document has no file path".into(),
            },
            ProviderError::JobFailed {
                message: "Watermarking failed".into(),
            },
        ] {
            assert_eq!(policy().decide(&err, 0, false), Decision::Fail, "{err}");
        }
    }
}
