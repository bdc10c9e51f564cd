//! The molecule being built, counted under a mutex, and one condition
//! variable to sleep on.
//!
//! The state says three things. How many hydrogens and oxygens have joined
//! the molecule being built (at most two and one): an atom waits for a
//! place of its kind. How many molecules have formed: an atom that joined
//! waits until that number moves past the one it saw, which is how it
//! learns that its molecule is complete. And how many atoms of the last
//! molecule are still being released: nobody joins the next molecule until
//! that is zero, so two molecules never overlap.
//!
//! The atom that completes a molecule forms it: it frees the places, moves
//! the count of molecules on, and wakes everyone. Its two partners see the
//! count moved and go. They see it even if they were slow to fall asleep,
//! because the count is state, not a signal: `notify_all` is only the
//! prompt to look again.
//!
//! The releases run outside the lock, so the three of a molecule run at
//! once. The last of the three to return opens the door for the next
//! molecule and wakes the atoms waiting for a place.
//!
//! `notify_all` each time, because the waiters want different things: the
//! partners of a forming molecule, and the atoms waiting for a place.

use kit::sync::{Condvar, Mutex};

use crate::H2O;

// ANCHOR: condvar
/// The two kinds of atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    Hydrogen,
    Oxygen,
}

/// The molecule being built, and the one being released.
#[derive(Debug, Default)]
struct Molecule {
    /// Atoms that have joined the molecule being built.
    hydrogens: u8,
    oxygens: u8,
    /// Molecules formed so far.
    formed: u64,
    /// Atoms of the last molecule formed whose release has not returned.
    releasing: u8,
}

impl Molecule {
    /// Whether `atom` may join now: the last molecule is through, and the
    /// one being built has a place of its kind.
    fn has_place_for(&self, atom: Atom) -> bool {
        self.releasing == 0
            && match atom {
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

/// Atoms let through three at a time, on one counter and one condition
/// variable.
#[derive(Debug, Default)]
pub struct CondvarH2O {
    molecule: Mutex<Molecule>,
    changed: Condvar,
}

impl CondvarH2O {
    fn bond(&self, atom: Atom, release: impl FnOnce()) {
        let mut molecule = self.molecule.lock();
        while !molecule.has_place_for(atom) {
            molecule = self.changed.wait(molecule);
        }
        molecule.join(atom);
        let mine = molecule.formed;
        if molecule.is_complete() {
            // The third atom forms the molecule: the places are free for
            // the next, which waits until these three are released.
            *molecule = Molecule {
                formed: mine + 1,
                releasing: 3,
                ..Molecule::default()
            };
            self.changed.notify_all();
        }
        // Until our molecule forms: a count, so a late sleeper sees it too.
        while molecule.formed == mine {
            molecule = self.changed.wait(molecule);
        }
        drop(molecule);
        // Outside the lock: the molecule's three releases run at once.
        release();
        let mut molecule = self.molecule.lock();
        molecule.releasing -= 1;
        if molecule.releasing == 0 {
            // The last of the three: the next molecule may form.
            self.changed.notify_all();
        }
    }
}

impl H2O for CondvarH2O {
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
// ANCHOR_END: condvar
