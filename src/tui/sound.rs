//! Playing the room's sounds, at the edge: what sounds when is decided by
//! [`crate::session::sound`]; here a [`Player`] makes it heard.
//!
//! - [`Chime`] (`--sound chime`, builds with the `sound` feature): short sine tones made in code,
//!   played through the laptop's default audio output with cpal, on a thread of their own so the
//!   screen never waits. No audio device, or one that fails, means silence and one note on the
//!   screen, never an error.
//! - `--sound bell`: the terminal's bell (once at a warning or a cue, twice at time up); the
//!   loop rings it ([`super::event_loop`]), so no player is needed.
//! - `--sound off`: nothing.
//! - [`Recorder`]: the tests' sink, which keeps what was played.

use std::sync::{Arc, Mutex};

use crate::config::SoundMode;
use crate::session::sound::Sound;

/// Something that makes sounds heard.
pub trait Player: Send {
    /// Plays `sound` (without waiting for it to end).
    fn play(&mut self, sound: Sound);
    /// A note for the screen, once: why nothing is heard (no audio device).
    fn take_note(&mut self) -> Option<String> {
        None
    }
}

/// The tests' sink: keeps every sound played, in order.
#[derive(Debug, Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<Sound>>>);

impl Recorder {
    /// What was played so far.
    pub fn played(&self) -> Vec<Sound> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Player for Recorder {
    fn play(&mut self, sound: Sound) {
        if let Ok(mut v) = self.0.lock() {
            v.push(sound);
        }
    }
}

/// The notes of a sound: (frequency in Hz, length in ms), one after another. Each kind is told
/// apart by its rhythm and pitch, not by loudness: a warning two rising notes, time up three
/// falling notes and a long low one, a timed cue one soft high note, a reminder two low notes.
#[cfg(any(feature = "sound", test))]
pub(crate) fn notes(sound: Sound) -> &'static [(f32, u32)] {
    match sound {
        Sound::Warning => &[(659.3, 180), (880.0, 260)],
        Sound::TimeUp => &[(880.0, 200), (659.3, 200), (523.3, 200), (392.0, 500)],
        Sound::Cue => &[(1046.5, 220)],
        Sound::Reminder => &[(392.0, 250), (392.0, 250)],
    }
}

/// The samples of a sound at `rate` samples a second, from -1 to 1: each note a sine with a short
/// fade in and out (no click), a little gap between notes.
#[cfg(any(feature = "sound", test))]
#[allow(clippy::cast_precision_loss)] // sample counts of a second or two
pub(crate) fn samples(sound: Sound, rate: u32) -> Vec<f32> {
    let rate_f = rate as f32;
    let mut out = Vec::new();
    for (freq, ms) in notes(sound) {
        let n = usize::try_from(u64::from(rate) * u64::from(*ms) / 1000).unwrap_or(0);
        let fade = (n / 8).max(1);
        for i in 0..n {
            let t = i as f32 / rate_f;
            let edge = i.min(n - 1 - i).min(fade) as f32 / fade as f32;
            out.push(0.4 * edge * (t * freq * std::f32::consts::TAU).sin());
        }
        let gap = usize::try_from(rate / 25).unwrap_or(0);
        out.extend(std::iter::repeat_n(0.0, gap));
    }
    out
}

/// The player for a `--sound` choice: a [`Chime`] for `chime` where this build has sound,
/// else `None` (the bell, or nothing, is rung by the loop). The note says what happened instead.
pub(crate) fn player(mode: SoundMode) -> (Option<Box<dyn Player>>, Option<String>) {
    match mode {
        SoundMode::Chime => chime(),
        SoundMode::Bell | SoundMode::Off => (None, None),
    }
}

#[cfg(feature = "sound")]
fn chime() -> (Option<Box<dyn Player>>, Option<String>) {
    (Some(Box::new(Chime::start())), None)
}

#[cfg(not(feature = "sound"))]
fn chime() -> (Option<Box<dyn Player>>, Option<String>) {
    (
        None,
        Some("This convene was built without sound (the sound feature): the terminal's bell rings instead.".into()),
    )
}

#[cfg(feature = "sound")]
pub(crate) use chime::Chime;

#[cfg(feature = "sound")]
mod chime {
    use std::sync::mpsc::{Receiver, Sender, channel};

    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    use cpal::{FromSample, SizedSample};

    use super::{Player, Sound, samples};

    /// Chimes through the default audio output, on a thread of its own.
    pub(crate) struct Chime {
        send: Option<Sender<Sound>>,
        notes: Receiver<String>,
    }

    /// What the audio thread says when nothing can be heard.
    const NO_DEVICE: &str =
        "No audio output found: sounds are off (--sound bell rings the terminal's bell).";

    impl Chime {
        /// Starts the audio thread; a device is looked for at the first sound.
        pub(crate) fn start() -> Self {
            let (send, recv) = channel::<Sound>();
            let (note_send, notes) = channel::<String>();
            let spawned = std::thread::Builder::new()
                .name("convene-sound".into())
                .spawn(move || {
                    let mut told = false;
                    for sound in recv {
                        if let Err(e) = play_now(sound)
                            && !told
                        {
                            told = true;
                            let _ = note_send.send(format!("{NO_DEVICE} ({e})"));
                        }
                    }
                })
                .is_ok();
            Self { send: spawned.then_some(send), notes }
        }
    }

    impl Player for Chime {
        fn play(&mut self, sound: Sound) {
            if let Some(s) = &self.send {
                let _ = s.send(sound);
            }
        }

        fn take_note(&mut self) -> Option<String> {
            self.notes.try_recv().ok().map(|n| crate::text::sanitize(&n))
        }
    }

    /// Plays one sound to its end on the default output device.
    fn play_now(sound: Sound) -> Result<(), String> {
        let host = cpal::default_host();
        let device = host.default_output_device().ok_or("no output device")?;
        let config = device.default_output_config().map_err(|e| e.to_string())?;
        let format = config.sample_format();
        let config: cpal::StreamConfig = config.into();
        match format {
            cpal::SampleFormat::F32 => stream::<f32>(&device, &config, sound),
            cpal::SampleFormat::I16 => stream::<i16>(&device, &config, sound),
            cpal::SampleFormat::U16 => stream::<u16>(&device, &config, sound),
            cpal::SampleFormat::I32 => stream::<i32>(&device, &config, sound),
            other => Err(format!("sample format {other} not supported")),
        }
    }

    fn stream<T: SizedSample + FromSample<f32>>(
        device: &cpal::Device,
        config: &cpal::StreamConfig,
        sound: Sound,
    ) -> Result<(), String> {
        let wave = samples(sound, config.sample_rate);
        let len = wave.len();
        let channels = usize::from(config.channels).max(1);
        let mut at = 0usize;
        let stream = device
            .build_output_stream(
                *config,
                move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
                    for frame in data.chunks_mut(channels) {
                        let v = wave.get(at).copied().unwrap_or(0.0);
                        at += 1;
                        for s in frame {
                            *s = T::from_sample(v);
                        }
                    }
                },
                |_| {},
                None,
            )
            .map_err(|e| e.to_string())?;
        stream.play().map_err(|e| e.to_string())?;
        let ms = u64::try_from(len).unwrap_or(0) * 1000 / u64::from(config.sample_rate.max(1));
        std::thread::sleep(std::time::Duration::from_millis(ms + 100));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sound_is_its_own_tune_and_stays_in_range() {
        let all = [Sound::Warning, Sound::TimeUp, Sound::Cue, Sound::Reminder];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(notes(*a), notes(*b), "{a:?} and {b:?} sound alike");
            }
            let s = samples(*a, 48_000);
            assert!(!s.is_empty());
            assert!(s.iter().all(|v| (-1.0..=1.0).contains(v)));
            // Short: a cue, not a song.
            assert!(s.len() < 48_000 * 2, "{a:?} lasts {} samples", s.len());
        }
    }

    #[test]
    fn the_recorder_keeps_what_was_played() {
        let r = Recorder::default();
        let mut p: Box<dyn Player> = Box::new(r.clone());
        p.play(Sound::Cue);
        p.play(Sound::TimeUp);
        assert_eq!(r.played(), vec![Sound::Cue, Sound::TimeUp]);
    }
}
