//! Limits on heavy work, per server: spreadsheet imports, PDF conversions,
//! user templates and photo decoding each run a few at a time, so that no
//! burst of requests can take every core or the machine's memory. A request
//! waits a little for its turn, then gets 429 with a Chinese message.

use std::sync::Mutex;
use std::time::Duration;

use taizhang_core::Error;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One kind of heavy work: how many at once, how long to wait for a turn,
/// and what to say when the wait is over.
pub struct Gate {
    permits: std::sync::Arc<Semaphore>,
    wait: Duration,
    busy: &'static str,
}

impl Gate {
    pub fn new(at_once: usize, wait: Duration, busy: &'static str) -> Gate {
        Gate { permits: std::sync::Arc::new(Semaphore::new(at_once.max(1))), wait, busy }
    }

    /// A turn, held until the permit is dropped (moved into a blocking task,
    /// it lasts as long as the work does, even after the request gave up).
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, Error> {
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Error::Busy(self.busy.to_owned())),
        }
    }
}

/// A thread of its own for one kind of work, taken in turn. Spreadsheets are
/// read here rather than on the blocking pool: the memory one import used is
/// then reused by the next, instead of staying behind in the heap of
/// whichever pool thread happened to run it.
pub struct Lane {
    jobs: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl Lane {
    pub fn new(name: &str) -> Lane {
        let (jobs, queue) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let spawned = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            for job in queue {
                // A job that panics answers nothing; the lane goes on.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
        });
        if let Err(e) = spawned {
            tracing::error!(%e, "cannot start the {name} thread");
        }
        Lane { jobs }
    }

    /// Runs `work` on the lane's thread and waits for its result.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(work());
            }))
            .map_err(|_| Error::Storage("the work thread has stopped".into()))?;
        rx.await.map_err(|_| Error::Storage("the work thread failed".into()))
    }
}

/// The server's gates, and the PDFs already converted.
pub struct Gates {
    pub imports: Gate,
    /// Where spreadsheets are read, one at a time (see [`Lane`]).
    pub import_lane: Lane,
    pub pdf: Gate,
    pub templates: Gate,
    pub images: Gate,
    pdf_cache: Mutex<Vec<(String, std::sync::Arc<Vec<u8>>)>>,
}

/// PDFs kept: the last few summaries converted.
const PDF_CACHE: usize = 8;

impl Default for Gates {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Gates {
            // One at a time: each may hold up to the reader's budget in
            // memory, and the database takes one writer anyway.
            imports: Gate::new(1, Duration::from_secs(20), "正在进行的导入较多，请稍后再试"),
            import_lane: Lane::new("import"),
            pdf: Gate::new(cores.min(2), Duration::from_secs(30), "正在生成的PDF较多，请稍后再试"),
            templates: Gate::new(cores, Duration::from_secs(5), "正在预览或生成的自定义模板较多，请稍后再试"),
            images: Gate::new(cores, Duration::from_secs(20), "正在处理的照片较多，请稍后再试"),
            pdf_cache: Mutex::new(Vec::new()),
        }
    }
}

impl Gates {
    /// The PDF converted earlier from the same document, if any.
    pub fn cached_pdf(&self, key: &str) -> Option<std::sync::Arc<Vec<u8>>> {
        let mut cache = self.pdf_cache.lock().unwrap_or_else(|e| e.into_inner());
        let at = cache.iter().position(|(k, _)| k == key)?;
        let entry = cache.remove(at);
        let bytes = entry.1.clone();
        cache.push(entry);
        Some(bytes)
    }

    pub fn keep_pdf(&self, key: String, bytes: std::sync::Arc<Vec<u8>>) {
        let mut cache = self.pdf_cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(k, _)| *k != key);
        if cache.len() >= PDF_CACHE {
            cache.remove(0);
        }
        cache.push((key, bytes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_answers_busy_after_its_wait() {
        let gate = Gate::new(1, Duration::from_millis(50), "忙");
        let held = gate.enter().await.unwrap();
        assert!(matches!(gate.enter().await, Err(Error::Busy(m)) if m == "忙"));
        drop(held);
        assert!(gate.enter().await.is_ok());
    }

    #[tokio::test]
    async fn a_lane_runs_work_in_turn_and_survives_a_panic() {
        let lane = Lane::new("test");
        assert!(lane.run(|| -> u8 { panic!("boom") }).await.is_err());
        assert_eq!(lane.run(|| 2 + 2).await.unwrap(), 4);
    }

    #[test]
    fn the_pdf_cache_keeps_the_latest() {
        let gates = Gates::default();
        for i in 0..=PDF_CACHE {
            gates.keep_pdf(i.to_string(), std::sync::Arc::new(vec![i as u8]));
        }
        assert!(gates.cached_pdf("0").is_none());
        assert_eq!(*gates.cached_pdf("1").unwrap(), vec![1]);
    }
}
