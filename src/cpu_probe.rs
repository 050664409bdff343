//! How much of its cores the machine really gives: one thread per core reads the
//! monotonic clock in a tight loop, and every gap between two reads longer than
//! [`STALL`] is time the thread did not run. On an otherwise idle machine that time was
//! taken by the host (a virtual machine's vCPU descheduled), which the guest's
//! `/proc/stat` steal counter does not always report. Benchmarks print it beside their
//! latency figures, because a stall of a core delays every request queued on it.

use std::fmt;
use std::time::{Duration, Instant};

/// Shortest gap counted as a stall (far above a clock read and a timer interrupt).
const STALL: Duration = Duration::from_micros(200);

/// What the probe saw over all its threads.
#[derive(Debug)]
pub struct Availability {
    /// Threads spun, one per core.
    pub threads: usize,
    /// Wall time each thread spun, on average.
    pub seconds: f64,
    /// Share of the spinning time lost in stalls, 0–1.
    pub stolen: f64,
    /// Stalls of at least 2 ms and at least 10 ms, over all threads.
    pub stalls_2ms: usize,
    pub stalls_10ms: usize,
    /// The longest stall, in milliseconds.
    pub longest_ms: f64,
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cpu availability: {:.1}% of {} cores' time lost in stalls ≥ {} µs over {:.1} s; \
             stalls ≥ 2 ms: {}, ≥ 10 ms: {}, longest {:.1} ms",
            self.stolen * 100.0,
            self.threads,
            STALL.as_micros(),
            self.seconds,
            self.stalls_2ms,
            self.stalls_10ms,
            self.longest_ms
        )
    }
}

/// One thread's spin: the gaps longer than [`STALL`], and the time it spun.
struct Spin {
    gaps: Vec<Duration>,
    spun: Duration,
}

/// Spins for `duration`, keeping the gaps longer than [`STALL`].
fn spin(duration: Duration) -> Spin {
    let start = Instant::now();
    let mut previous = start;
    let mut gaps = Vec::new();
    loop {
        let now = Instant::now();
        let gap = now - previous;
        if gap >= STALL {
            gaps.push(gap);
        }
        previous = now;
        if now - start >= duration {
            return Spin {
                gaps,
                spun: now - start,
            };
        }
    }
}

/// Folds the spins of all threads.
fn summarize(spins: &[Spin]) -> Availability {
    let all = || spins.iter().flat_map(|s| &s.gaps);
    let lost: f64 = all().map(Duration::as_secs_f64).sum();
    let spun: f64 = spins.iter().map(|s| s.spun.as_secs_f64()).sum();
    let threads = spins.len();
    Availability {
        threads,
        seconds: spun / threads.max(1) as f64,
        stolen: if spun > 0.0 { lost / spun } else { 0.0 },
        stalls_2ms: all().filter(|g| **g >= Duration::from_millis(2)).count(),
        stalls_10ms: all().filter(|g| **g >= Duration::from_millis(10)).count(),
        longest_ms: all().map(|g| g.as_secs_f64() * 1000.0).fold(0.0, f64::max),
    }
}

/// Spins one thread per available core for `duration` and reports the stalls.
pub fn measure(duration: Duration) -> Availability {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let spins: Vec<Spin> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(move || spin(duration)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("the probe thread does not panic"))
            .collect()
    });
    summarize(&spins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_summed_counted_and_bounded() {
        let ms = Duration::from_millis;
        let spins = [
            Spin {
                gaps: vec![ms(1), ms(12)],
                spun: ms(1000),
            },
            Spin {
                gaps: vec![ms(3), Duration::from_micros(500)],
                spun: ms(1000),
            },
        ];
        let a = summarize(&spins);
        assert_eq!(a.threads, 2);
        assert!((a.stolen - 0.0165 / 2.0).abs() < 1e-9, "{}", a.stolen);
        assert_eq!((a.stalls_2ms, a.stalls_10ms), (2, 1));
        assert!((a.longest_ms - 12.0).abs() < 1e-9);
    }

    #[test]
    fn a_spin_keeps_only_stalls_and_loses_no_more_than_it_spun() {
        let duration = Duration::from_millis(50);
        let s = spin(duration);
        assert!(s.spun >= duration);
        assert!(s.gaps.iter().all(|g| *g >= STALL), "{:?}", s.gaps);
        assert!(s.gaps.iter().sum::<Duration>() <= s.spun);
    }

    #[test]
    fn the_probe_spins_every_core() {
        let a = measure(Duration::from_millis(50));
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(a.threads, cores);
        assert!(a.seconds >= 0.05);
        assert!((0.0..=1.0).contains(&a.stolen), "{}", a.stolen);
    }
}
