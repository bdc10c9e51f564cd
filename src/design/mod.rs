//! Experiments for the book's system-design chapters, built from the same
//! pieces as the exercises (bounded channels, worker threads, seeded
//! workloads) and measured the same way.

pub mod serving;
