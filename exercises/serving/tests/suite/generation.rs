//! The generation-mode checks: every generator must pass them, on tokio's
//! paused clock, against the simulated decoder.

use std::sync::Arc;

use kit::bugs;
use serving::{GenOptions, Generate, Generator, Refused, SimulatedDecoder, Step, token_of};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Duration, Instant, sleep, sleep_until, timeout};

use super::{Seeded, ms, paused};

/// A step of n sequences: 10 ms and 1 ms a sequence.
const FIXED: Duration = Duration::from_millis(10);
const PER_ITEM: Duration = Duration::from_millis(1);
const NEVER: Duration = Duration::from_secs(60);

fn decoder(slots: usize) -> Arc<SimulatedDecoder> {
    Arc::new(SimulatedDecoder::new(FIXED, PER_ITEM, slots))
}

fn request(prompt: u64, tokens: u32) -> Generate {
    Generate {
        prompt,
        tokens,
        deadline: Instant::now() + NEVER,
    }
}

/// What one request's stream brought: each token and when it came, and
/// whether the stream ended (`false`: still open at [`NEVER`]).
struct Received {
    prompt: u64,
    wanted: u32,
    sent: Instant,
    tokens: Vec<(Instant, u64)>,
    ended: bool,
}

/// Reads `tokens` to the end on a task of its own.
fn read(
    prompt: u64,
    wanted: u32,
    mut tokens: mpsc::UnboundedReceiver<u64>,
) -> JoinHandle<Received> {
    tokio::spawn(async move {
        let sent = Instant::now();
        let mut got = Vec::new();
        let ended = loop {
            match timeout(NEVER, tokens.recv()).await {
                Ok(Some(token)) => got.push((Instant::now(), token)),
                Ok(None) => break true,
                Err(_) => break false,
            }
        };
        Received {
            prompt,
            wanted,
            sent,
            tokens: got,
            ended,
        }
    })
}

fn start<G: Generator<SimulatedDecoder>>(
    generator: &G,
    prompt: u64,
    wanted: u32,
) -> Result<JoinHandle<Received>, String> {
    match generator.generate(request(prompt, wanted)) {
        Ok(tokens) => Ok(read(prompt, wanted, tokens)),
        Err(refused) => Err(bugs::WRONG_ANSWER.says(format!(
            "prompt {prompt} was refused ({refused:?}) with room in the queue"
        ))),
    }
}

/// Every token in order, then the end of the stream.
fn whole(received: &Received) -> Result<(), String> {
    if !received.ended {
        return Err(bugs::MISSED_TERMINATION.says(format!(
            "prompt {}'s stream never ended after {} of its {} tokens: close it (drop the \
             sender) when the last token is sent",
            received.prompt,
            received.tokens.len(),
            received.wanted
        )));
    }
    let want: Vec<u64> = (0..received.wanted)
        .map(|i| token_of(received.prompt, i))
        .collect();
    let got: Vec<u64> = received.tokens.iter().map(|(_, t)| *t).collect();
    if got != want {
        let first = got.iter().zip(&want).position(|(g, w)| g != w);
        return Err(bugs::WRONG_ANSWER.says(format!(
            "prompt {} wanted {} tokens and got {}{}: token i of a sequence is \
             token_of(prompt, i), in order",
            received.prompt,
            want.len(),
            got.len(),
            first.map_or(String::new(), |i| format!(
                ", the first wrong at position {i}"
            ))
        )));
    }
    Ok(())
}

/// One step at a time, never over `slots`, never empty, each sequence's
/// positions in order.
fn decoder_misuse(decoder: &SimulatedDecoder, slots: usize) -> Result<(), String> {
    if decoder.overlaps() > 0 {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "the decoder ran {} steps while another was running; one loop owns it",
            decoder.overlaps()
        )));
    }
    for step in decoder.steps() {
        if step.active.len() > slots {
            return Err(bugs::BOUND_EXCEEDED.says(format!(
                "a step held {} sequences, over the decoder's {slots} slots",
                step.active.len()
            )));
        }
        if step.active.is_empty() {
            return Err(bugs::WRONG_ANSWER.says("the decoder ran a step of no sequence"));
        }
    }
    Ok(())
}

/// Promises 1 and 2: 30 requests of 1 to 30 tokens at random times, on 4
/// slots. Every stream holds its tokens in order and ends.
pub fn every_token_in_order<G: Generator<SimulatedDecoder>>() -> Result<(), String> {
    paused(async {
        let decoder = decoder(4);
        let generator = G::new(Arc::clone(&decoder), GenOptions { queue: 64 });
        let mut seeded = Seeded(0x9e37_79b9_7f4a_7c15);
        let mut reading = Vec::new();
        for prompt in 0..30 {
            reading.push(start(&generator, prompt, 1 + seeded.next(30) as u32)?);
            sleep(Duration::from_millis(seeded.next(40))).await;
        }
        for read in reading {
            whole(&read.await.expect("a reader panicked"))?;
        }
        decoder_misuse(&decoder, 4)
    })
}

/// Promise 3: a 200-token sequence runs alone on 4 slots; a 3-token
/// request arrives. Its first token must come from the next step.
pub fn a_new_request_joins_at_the_next_step<G: Generator<SimulatedDecoder>>() -> Result<(), String>
{
    paused(async {
        let decoder = decoder(4);
        let generator = G::new(Arc::clone(&decoder), GenOptions { queue: 64 });
        let long = start(&generator, 1, 200)?;
        sleep(Duration::from_millis(25)).await;
        let short = start(&generator, 2, 3)?.await.expect("a reader panicked");
        whole(&short)?;
        // The step running when it came, and the next one, with two in it.
        let bound = FIXED + PER_ITEM + FIXED + PER_ITEM * 2 + Duration::from_millis(1);
        let first = short.tokens[0].0 - short.sent;
        if first > bound {
            return Err(bugs::HEAD_OF_LINE.says(format!(
                "a 3-token request arrived while a 200-token sequence ran on 4 slots, and \
                 waited {} for its first token ({} is enough): it waited for the batch to \
                 finish instead of joining at the next step (static batching)",
                ms(first),
                ms(bound)
            )));
        }
        drop(long);
        decoder_misuse(&decoder, 4)
    })
}

/// Promises 2 and 5: 12 requests at once on 4 slots and a queue of 6:
/// 6 are queued and 6 refused at once, and no step holds more than 4.
pub fn never_more_than_the_slots<G: Generator<SimulatedDecoder>>() -> Result<(), String> {
    paused(async {
        let decoder = decoder(4);
        let generator = G::new(Arc::clone(&decoder), GenOptions { queue: 6 });
        let mut reading = Vec::new();
        let mut refused = 0;
        for prompt in 0..12 {
            match generator.generate(request(prompt, 5)) {
                Ok(tokens) => reading.push(read(prompt, 5, tokens)),
                Err(Refused::Busy { .. }) => refused += 1,
                Err(other) => {
                    return Err(bugs::WRONG_ANSWER
                        .says(format!("a request at a full queue got {other:?}, not Busy")));
                }
            }
        }
        if refused != 6 {
            return Err(bugs::BOUND_EXCEEDED.says(format!(
                "12 requests arrived at once at a queue of 6 and {refused} were refused, not 6"
            )));
        }
        for read in reading {
            whole(&read.await.expect("a reader panicked"))?;
        }
        decoder_misuse(&decoder, 4)
    })
}

/// Promise 4: two 1000-token sequences fill 2 slots; one caller drops its
/// receiver. Its slot must be free at the next step boundary: a third
/// request gets its first token from the step after, and the cancelled
/// sequence is in at most one more step.
pub fn a_cancelled_sequence_frees_its_slot<G: Generator<SimulatedDecoder>>() -> Result<(), String> {
    paused(async {
        let started = Instant::now();
        let decoder = decoder(2);
        let generator = G::new(Arc::clone(&decoder), GenOptions { queue: 64 });
        let kept = start(&generator, 1, 1000)?;
        let dropped = generator
            .generate(request(2, 1000))
            .map_err(|r| bugs::WRONG_ANSWER.says(format!("refused with room: {r:?}")))?;
        sleep_until(started + Duration::from_millis(50)).await;
        drop(dropped);
        let cancelled_at = Instant::now();
        sleep(Duration::from_millis(10)).await;
        let third = start(&generator, 3, 2)?.await.expect("a reader panicked");
        whole(&third)?;
        let steps: Vec<Step> = decoder.steps();
        let after: Vec<&Step> = steps.iter().filter(|s| s.started > cancelled_at).collect();
        let held = after
            .iter()
            .filter(|s| s.active.iter().any(|(p, _)| *p == 2))
            .count();
        if held > 1 {
            return Err(bugs::UNCANCELLED.says(format!(
                "a sequence whose caller dropped its receiver was in {held} more steps: retire \
                 it at the next step boundary and give its slot to a waiting request"
            )));
        }
        drop(kept);
        decoder_misuse(&decoder, 2)
    })
}
