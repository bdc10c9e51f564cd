//! The bug zoo: objects that look right and are not. Each is named after
//! its bug, and `tests/bugs.rs` proves the suite catches each one under
//! that name (`JoinThenSleep`, whose window is nanoseconds wide, is caught
//! by the loom model in `tests/loom.rs`).

use kit::sync::{Condvar, Mutex};

use crate::H2O;

/// Lets every atom through at once: no molecules at all. Four hydrogens in
/// a row make a "molecule" of three. Order violated.
#[derive(Debug, Default)]
pub struct NoGrouping;

impl H2O for NoGrouping {
    fn new() -> Self {
        NoGrouping
    }

    fn hydrogen(&self, release: impl FnOnce()) {
        release();
    }

    fn oxygen(&self, release: impl FnOnce()) {
        release();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    Hydrogen,
    Oxygen,
}

#[derive(Debug, Default)]
struct Molecule {
    hydrogens: u8,
    oxygens: u8,
    formed: u64,
    releasing: u8,
}

impl Molecule {
    /// A place of `atom`'s kind in the molecule being built (whether the
    /// last molecule is through is the caller's question).
    fn has_place_for(&self, atom: Atom) -> bool {
        match atom {
            Atom::Hydrogen => self.hydrogens < 2,
            Atom::Oxygen => self.oxygens < 1,
        }
    }

    fn join(&mut self, atom: Atom) {
        match atom {
            Atom::Hydrogen => self.hydrogens += 1,
            Atom::Oxygen => self.oxygens += 1,
        }
    }

    fn is_complete(&self) -> bool {
        self.hydrogens == 2 && self.oxygens == 1
    }
}

/// The counter and condition variable of `CondvarH2O`, with one mistake
/// chosen by `BUG`.
#[derive(Debug, Default)]
pub struct Molecules<const BUG: u8> {
    molecule: Mutex<Molecule>,
    changed: Condvar,
}

/// Lets atoms join the next molecule as soon as this one forms, not once
/// its releases have returned: the next molecule's hydrogens are let
/// through while this one's oxygen is still being released. Order
/// violated.
pub type OverlappingMolecules = Molecules<0>;
/// Runs the release with the lock held: the molecule's other two atoms
/// cannot even wake until it returns, so its three releases run one at a
/// time. No parallelism.
pub type ReleaseUnderLock = Molecules<1>;
/// Wakes one waiter when a molecule forms, where its two partners wait:
/// one is let through, the other sleeps for ever, and every later atom
/// waits for a molecule that never finishes. Lost wake-up.
pub type NotifyOne = Molecules<2>;
/// Joins the molecule under the lock, lets the lock go, then takes it again
/// to sleep until the molecule forms, without looking first: the third atom
/// can form it, and notify, in between. Lost wake-up, in a window of
/// nanoseconds that loom finds and a stress test rarely does.
pub type JoinThenSleep = Molecules<3>;

const OVERLAPPING_MOLECULES: u8 = 0;
const RELEASE_UNDER_LOCK: u8 = 1;
const NOTIFY_ONE: u8 = 2;
const JOIN_THEN_SLEEP: u8 = 3;

impl<const BUG: u8> Molecules<BUG> {
    fn wake(&self) {
        if BUG == NOTIFY_ONE {
            self.changed.notify_one();
        } else {
            self.changed.notify_all();
        }
    }

    fn may_join(molecule: &Molecule, atom: Atom) -> bool {
        molecule.has_place_for(atom) && (BUG == OVERLAPPING_MOLECULES || molecule.releasing == 0)
    }

    fn bond(&self, atom: Atom, release: impl FnOnce()) {
        let mut molecule = self.molecule.lock();
        while !Self::may_join(&molecule, atom) {
            molecule = self.changed.wait(molecule);
        }
        molecule.join(atom);
        let mine = molecule.formed;
        if molecule.is_complete() {
            // Added, not set: with overlapping molecules, the last one's
            // atoms may still be releasing.
            let releasing = molecule.releasing + 3;
            *molecule = Molecule {
                formed: mine + 1,
                releasing,
                ..Molecule::default()
            };
            self.wake();
        }
        if BUG == JOIN_THEN_SLEEP && molecule.formed == mine {
            // Lets go, then sleeps without looking again: the molecule can
            // form, and its notify be sent, in between.
            drop(molecule);
            molecule = self.molecule.lock();
            molecule = self.changed.wait(molecule);
        }
        while molecule.formed == mine {
            molecule = self.changed.wait(molecule);
        }
        if BUG == RELEASE_UNDER_LOCK {
            // The guard is still held: the partners stay asleep meanwhile.
            release();
        } else {
            drop(molecule);
            release();
            molecule = self.molecule.lock();
        }
        molecule.releasing -= 1;
        if molecule.releasing == 0 {
            self.wake();
        }
    }
}

impl<const BUG: u8> H2O for Molecules<BUG> {
    fn new() -> Self {
        Self::default()
    }

    fn hydrogen(&self, release: impl FnOnce()) {
        self.bond(Atom::Hydrogen, release);
    }

    fn oxygen(&self, release: impl FnOnce()) {
        self.bond(Atom::Oxygen, release);
    }
}
