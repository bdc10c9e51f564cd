//! The bug classes: one list that the suites' failure messages and
//! `concur check` share.
//!
//! A suite names what it found at the start of its message ("lost update:
//! 160000 increments were made, the counters hold 138065"), with
//! [`BugClass::says`]. `concur check` reads the name back with [`classify`],
//! orders failures by [`rank`](BugClass::rank) so that the root cause comes
//! first, and points at the book's section on the class. A bug-zoo test
//! asserts a class with [`crate::stress::assert_caught`], which takes a
//! `BugClass` from this list, so every class a zoo test asserts is one that
//! `concur check` knows.

use std::fmt;

/// A kind of mistake, as the suites name it and the book explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BugClass {
    /// What a failure message calls it, in lower case: "lost update".
    pub name: &'static str,
    /// Root-cause order, lowest first: a bug of a lower rank often causes
    /// failures of a higher one (workers that left early show up as "no
    /// parallelism" too), so the candidate fixes the lowest first.
    pub rank: u8,
    /// The heading of its section in `book/src/bug-classes.md`.
    pub heading: &'static str,
    /// Other words that mean this class in a message written by something
    /// other than a suite (`todo!()` panics with "not yet implemented").
    pub also: &'static [&'static str],
}

impl BugClass {
    /// A failure message that names this class: `"{name}: {details}"`.
    pub fn says(&self, details: impl fmt::Display) -> String {
        format!("{}: {details}", self.name)
    }

    /// The book chapter every class is explained in, under `book/src/`.
    pub const CHAPTER: &'static str = "bug-classes.md";

    /// The heading's anchor as mdbook renders it: lower case, spaces to
    /// hyphens, other punctuation dropped (`bug-classes.html#lost-update`).
    pub fn anchor(&self) -> String {
        self.heading
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for BugClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

macro_rules! classes {
    ($($(#[$doc:meta])* $id:ident = ($name:literal, $rank:literal, $heading:literal $(, [$($also:literal),*])?);)*) => {
        $($(#[$doc])* pub const $id: BugClass = BugClass {
            name: $name,
            rank: $rank,
            heading: $heading,
            also: &[$($($also),*)?],
        };)*
        /// Every class, in rank order.
        pub const ALL: &[BugClass] = &[$($id),*];
        /// Every class by the name of its constant (`LOST_UPDATE`), for
        /// tests that read the zoo's sources.
        pub const BY_CONST: &[(&str, BugClass)] = &[$((stringify!($id), $id)),*];
    };
}

classes! {
    /// A `todo!()` is still there.
    NOT_IMPLEMENTED = ("not implemented yet", 0, "Not implemented yet", ["not yet implemented"]);
    /// The code under test panicked with a message no check wrote.
    PANIC = ("unexpected panic", 1, "Unexpected panic");
    /// Wrong on one thread: no concurrency involved.
    WRONG_ANSWER = ("wrong answer", 2, "Wrong answer");
    /// One thread waits for a lock it already holds.
    SELF_DEADLOCK = ("self-deadlock", 3, "Self-deadlock");
    /// A stuck thread that keeps running: a spin that never ends.
    ENDLESS_LOOP = ("endless loop", 3, "Endless loop");
    /// Threads each hold a lock the other waits for, taken in opposite orders.
    LOCK_ORDER_DEADLOCK = ("lock-order deadlock", 4, "Lock-order deadlock");
    /// Threads blocked for ever, cause not pinned down.
    DEADLOCK = ("deadlock", 4, "Deadlock");
    /// Work that should end never does: waiters nobody wakes.
    MISSED_TERMINATION = ("missed termination", 4, "Missed termination");
    /// A waiter asleep for a signal already sent, or sent to another.
    LOST_WAKEUP = ("lost wake-up", 4, "Lost wake-up");
    /// An answer that came after its deadline, or never: a wait on a
    /// remote call with no time limit.
    MISSED_DEADLINE = ("missed deadline", 4, "Missed deadline");
    /// A batch that waits to fill past its time limit: a lone request
    /// waits for company that never comes.
    MISSED_TIMER = ("missed batch timer", 4, "Missed batch timer");
    /// A caller left waiting for a result that nobody will send.
    HUNG_WAITER = ("hung waiter", 4, "Hung waiter");
    /// A read-modify-write in two steps: another thread's write is lost.
    LOST_UPDATE = ("lost update", 5, "Lost update");
    /// "If absent, insert" in two steps: both threads act.
    CHECK_THEN_ACT = ("check-then-act race", 5, "Check-then-act race");
    /// An update of several places seen half done.
    TORN_UPDATE = ("torn update", 5, "Torn update");
    /// A read that misses a write that had finished.
    STALE_READ = ("stale read", 5, "Stale read");
    /// Work split where a record does not end.
    CHUNK_BOUNDARY = ("chunk boundary inside a line", 5, "Chunk boundary inside a line");
    /// Results in completion order, not input order.
    OUT_OF_ORDER = ("results merged out of order", 5, "Results merged out of order");
    /// An approximate algorithm that breaks its stated error bound.
    BROKEN_GUARANTEE = ("broken accuracy guarantee", 5, "Broken accuracy guarantee");
    /// A promised order of events broken: one ran before its turn.
    ORDER_VIOLATED = ("order violated", 5, "Order violated");
    /// A waiter that woke and went on without checking its condition.
    UNCHECKED_WAKEUP = ("unchecked wake-up", 5, "Unchecked wake-up");
    /// An answer without some shards that does not say so.
    PARTIAL_AS_WHOLE = ("partial answer reported whole", 5, "Partial answer reported whole");
    /// A request that is not idempotent, retried and applied again.
    APPLIED_TWICE = ("applied twice", 5, "Applied twice");
    /// Urgent work stuck in a queue behind work that could wait.
    HEAD_OF_LINE = ("head-of-line blocking", 5, "Head-of-line blocking");
    /// Work that never runs while other work keeps coming.
    STARVATION = ("starvation", 5, "Starvation");
    /// The same computation run twice at once for callers who asked the same.
    COMPUTED_TWICE = ("computed twice", 5, "Computed twice");
    /// Stopped while another worker could still find more work.
    PREMATURE_TERMINATION = ("premature termination", 6, "Premature termination");
    /// No bound on work a hostile input can make unbounded.
    UNBOUNDED_FRONTIER = ("unbounded frontier", 6, "Unbounded frontier");
    /// A stated resource bound (threads, requests in flight, memory) exceeded.
    BOUND_EXCEEDED = ("bound exceeded", 6, "Bound exceeded");
    /// A shard left out of an answer though a replica of it could answer.
    NEEDLESS_PARTIAL = ("needless partial answer", 6, "Needless partial answer");
    /// Work whose result nobody wants any more, still running.
    UNCANCELLED = ("uncancelled request", 6, "Uncancelled request");
    /// Work run for a caller that had already given up.
    WASTED_WORK = ("wasted work", 6, "Wasted work");
    /// An entry kept for ever in a map of work in flight.
    LEAKED_FLIGHT = ("leaked flight", 6, "Leaked flight");
    /// Correct, but one thread did the work of all.
    NO_PARALLELISM = ("no parallelism", 7, "No parallelism");
    /// A map that claims stripes but serialises on one lock.
    NO_STRIPING = ("no striping", 7, "No striping");
    /// Correct, but a waiting thread spins on a core instead of sleeping.
    BUSY_WAIT = ("busy-waiting", 7, "Busy-waiting");
    /// Correct, but a query waits for the slowest replica it asked.
    SLOW_TAIL = ("unhedged slow tail", 7, "Unhedged slow tail");
    /// Correct, but one replica gets the requests its peers should share.
    HOT_REPLICA = ("hot replica", 7, "Hot replica");
    /// Correct, but a batching accelerator runs one request at a time.
    NO_BATCHING = ("no batching", 7, "No batching");
}

/// The class a failure message names: the one named earliest in it (a
/// longer name first where two start at the same place, so "lock-order
/// deadlock" is not read as "deadlock"), else one of the other words;
/// [`PANIC`] for any other panic message, `None` for anything else.
pub fn classify(message: &str) -> Option<BugClass> {
    let message = message.to_lowercase();
    let earliest = |needle: fn(&BugClass) -> Vec<&'static str>| {
        ALL.iter()
            .filter_map(|class| {
                needle(class)
                    .into_iter()
                    .filter_map(|word| message.find(word).map(|at| (at, word.len())))
                    .min_by_key(|&(at, len)| (at, std::cmp::Reverse(len)))
                    .map(|found| (found, class))
            })
            .min_by_key(|&((at, len), _)| (at, std::cmp::Reverse(len)))
            .map(|(_, class)| *class)
    };
    earliest(|class| vec![class.name])
        .or_else(|| earliest(|class| class.also.to_vec()))
        .or_else(|| message.contains("panicked").then_some(PANIC))
}

/// A failure message as a check reports it: its own messages already name
/// their class; any other (a panic in the code under test, caught by a
/// property test) is named an unexpected panic, or "not implemented yet"
/// for a `todo!()`.
pub fn named(message: &str) -> String {
    if classify(message).is_some_and(|class| class != PANIC) {
        message.to_string()
    } else {
        PANIC.says(message)
    }
}

/// Results as a failure message shows them: `"rust" 3, "go" 1`, or
/// "nothing".
pub fn listed(pairs: &[(String, u64)]) -> String {
    if pairs.is_empty() {
        return "nothing".to_string();
    }
    pairs
        .iter()
        .map(|(text, count)| format!("\"{}\" {count}", text.escape_debug()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_reads_back_as_itself() {
        for class in ALL {
            assert_eq!(
                classify(&class.says("some details")),
                Some(*class),
                "{class}"
            );
            assert_eq!(
                classify(&format!("3 workers: {}", class.says("x"))),
                Some(*class)
            );
        }
    }

    #[test]
    fn names_are_distinct_and_ranks_ordered() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.heading, b.heading);
                assert!(a.rank <= b.rank, "{a} listed before {b}");
            }
        }
    }

    #[test]
    fn messages_from_outside_the_suites() {
        assert_eq!(
            classify("thread stress-1 panicked: not yet implemented: StarterMap::insert"),
            Some(NOT_IMPLEMENTED)
        );
        assert_eq!(
            classify("thread stress-0 panicked: index out of bounds"),
            Some(PANIC)
        );
        assert_eq!(
            classify("stuck: 0 of 4 threads finished; likely bug: lock-order deadlock: ..."),
            Some(LOCK_ORDER_DEADLOCK)
        );
        assert_eq!(classify("assertion failed: 2 == 3"), None);
    }

    #[test]
    fn messages_named_and_lists_shown() {
        assert_eq!(named("lost update: x"), "lost update: x");
        assert_eq!(
            named("index out of bounds"),
            "unexpected panic: index out of bounds"
        );
        assert_eq!(
            classify(&named("not yet implemented: f")),
            Some(NOT_IMPLEMENTED)
        );
        assert_eq!(listed(&[("a\"b".into(), 2)]), "\"a\\\"b\" 2");
        assert_eq!(listed(&[]), "nothing");
    }

    #[test]
    fn anchors_as_mdbook_writes_them() {
        assert_eq!(CHECK_THEN_ACT.anchor(), "check-then-act-race");
        assert_eq!(SELF_DEADLOCK.anchor(), "self-deadlock");
    }
}
