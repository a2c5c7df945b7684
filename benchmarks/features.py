"""How fast is the audio feature extractor? Every contender runs in this one invocation on the same files.

    python benchmarks/features.py --audio-dir DIR [--synthesise 20 | --synthesise-dense 20] [--cache-entries 1000]

Speed is the per-core real-time factor: seconds of audio per CPU second of the process doing the work
(`time.process_time`, or the child's rusage for the cold-process run), so other load on the machine
barely moves it. "Track" counts whole tracks, "analysed" only the windows the extractor reads (tracks
longer than `max_analysis_s` are analysed on a window). The naive librosa pipeline and Essentia get the
same window, so the comparison with them is analysis against analysis, not windowing against whole files.
Every contender runs with BLAS held to one thread, as the extractor's workers do: one core each, and
each is timed `--repeats` times over all files, keeping its fastest pass, so a busy machine slows the
contenders less unevenly.

The deep tagger (musicnn on ONNX Runtime) is measured three ways on the same files: alone on windows
decoded beforehand (the decode is shared with the extractor, so it is not the tagger's cost), the
hand-made extractor alone, and both as a worker runs them (one decode, then both analyses). Peak memory
is the peak RSS of a fresh process analysing every file, with and without the tagger.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile
from threadpoolctl import threadpool_limits

from tastemaker.audio import FeaturesParams, extract_features, feature_set_version
from tastemaker.audio.cache import FeatureCache
from tastemaker.audio.decode import analysis_windows, load_analysis_signal
from tastemaker.audio.parallel import analyse_chunk, local_process_pool

AUDIO_SUFFIXES = {".ogg", ".flac", ".wav", ".mp3", ".aiff"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--audio-dir", type=Path, required=True)
    parser.add_argument(
        "--synthesise",
        type=int,
        default=0,
        metavar="N",
        help="first write N three-minute 44.1 kHz stereo Ogg Vorbis tracks into --audio-dir",
    )
    parser.add_argument(
        "--synthesise-dense",
        type=int,
        default=0,
        metavar="N",
        help="first write N three-minute dense, full-band 44.1 kHz stereo Ogg Vorbis tracks into --audio-dir",
    )
    parser.add_argument("--cache-entries", type=int, default=1000, help="tracks in the warm-cache run")
    parser.add_argument("--repeats", type=int, default=3, help="passes per contender; the fastest counts")
    args = parser.parse_args()
    if args.synthesise:
        synthesise_music(args.audio_dir, args.synthesise, seconds=180.0)
    if args.synthesise_dense:
        synthesise_dense_music(args.audio_dir, args.synthesise_dense, seconds=180.0)
    files = sorted(p for p in args.audio_dir.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
    if not files:
        sys.exit(f"no audio files under {args.audio_dir}")
    params = FeaturesParams(workers=1, deep_tagger=False)  # the hand-made extractor; the tagger has its rows
    print(describe_files(files, params))
    print()
    print(f"{'pipeline':58s} {'x real time per core':>20s} {'(analysed audio)':>17s}")
    print(f"{'':58s} {'(track duration)':>20s}")
    speeds = {}
    with threadpool_limits(limits=1):
        for name, run in contenders(files, params, args.repeats):
            track_rtf, analysed_rtf = run()
            speeds[name] = analysed_rtf
            print(f"{name:58s} {track_rtf:20.0f} {analysed_rtf:17.0f}")
    print()
    print(speed_ratios(speeds))
    print()
    print(peak_memory(files))
    print()
    print(first_file_cost(files, params))
    print(warm_cache_time(files[0], params, args.cache_entries))


EXTRACTOR = "this extractor, warm: decode + analysis per file"
NAIVE = "naive librosa, same window: load + one call per feature"
ESSENTIA = "Essentia standard mode, same descriptors"
DECODE = "decode only: analysis window, mono, resampled"
TAGGER = "deep tagger alone, on the decoded window (decode shared)"
BOTH = "extractor + deep tagger, warm: one decode, both analyses"


def contenders(
    files: list[Path], params: FeaturesParams, repeats: int
) -> list[tuple[str, Callable[[], tuple[float, float]]]]:
    track_s = sum(soundfile.info(str(f)).duration for f in files)
    analysed_s = sum(min(soundfile.info(str(f)).duration, params.max_analysis_s) for f in files)

    def per_file(
        function: Callable[[Path], object], whole_tracks: bool = False
    ) -> Callable[[], tuple[float, float]]:
        def run() -> tuple[float, float]:
            function(files[0])  # leave one-off imports and JIT loading out of steady-state figures
            passes = []
            for _ in range(repeats):
                started = time.process_time()
                for path in files:
                    function(path)
                passes.append(time.process_time() - started)
            cpu = min(passes)
            return track_s / cpu, (track_s if whole_tracks else analysed_s) / cpu

        return run

    def analyse_one(path: Path, with_tagger: bool = False) -> None:
        worker_params = params.model_copy(update={"deep_tagger": with_tagger})
        result = analyse_chunk(
            [("benchmark", str(path))], worker_params
        )  # exactly what a worker does per file
        assert not result.failures, result.failures

    decoded: dict[Path, np.ndarray] = {}

    def tag_decoded(path: Path) -> None:
        from tastemaker.audio.tagger import load_tagger

        if path not in decoded:  # decoded once, before the timed passes (the first call is untimed)
            decoded[path] = decode_window(path, params)
        load_tagger().tag(decoded[path], params.analysis_sr, FeaturesParams().tagger_max_patches)

    def tagger_alone() -> tuple[float, float]:
        for path in files:
            tag_decoded(path)
        return per_file(tag_decoded)()

    def features_stage() -> tuple[float, float]:
        tracks = tracks_table(files)  # content hashes come from ingestion, not from the features stage
        with tempfile.TemporaryDirectory() as cache:
            extract_features(tracks.iloc[:1], params, Path(cache) / "warm-up")
            started = time.process_time()
            result = extract_features(tracks, params, Path(cache) / "run")
            cpu = time.process_time() - started
        assert result.failures.empty, result.failures
        return track_s / cpu, analysed_s / cpu

    def extractor_cold() -> tuple[float, float]:
        cpu = cold_process_cpu_seconds(files)
        return track_s / cpu, analysed_s / cpu

    runs = [
        (
            "decode only: whole file (soundfile)",
            per_file(lambda p: soundfile.read(str(p), dtype="float32"), whole_tracks=True),
        ),
        (DECODE, per_file(lambda p: decode_window(p, params))),
        (
            "naive librosa, whole track: load + one call per feature",
            per_file(lambda p: naive_librosa(p, params, whole_track=True), whole_tracks=True),
        ),
        (NAIVE, per_file(lambda p: naive_librosa(p, params))),
        ("this extractor, cold process (imports + JIT cache incl.)", extractor_cold),
        (EXTRACTOR, per_file(analyse_one)),
        (TAGGER, tagger_alone),
        (BOTH, per_file(lambda p: analyse_one(p, with_tagger=True))),
        ("features stage in-process, one pass (cache writes incl.)", features_stage),
    ]
    if essentia_available():
        runs.append((ESSENTIA, per_file(lambda p: essentia_descriptors(p, params))))
    else:
        print("Essentia is not installed (pip install essentia); its row is skipped.")
    return runs


def speed_ratios(speeds: dict[str, float]) -> str:
    """How many times faster the extractor is than each alternative, on the same analysed audio."""
    lines = [f"extractor / naive librosa (same window): {speeds[EXTRACTOR] / speeds[NAIVE]:.2f}x"]
    if ESSENTIA in speeds:
        lines.append(f"extractor / Essentia (same descriptors): {speeds[EXTRACTOR] / speeds[ESSENTIA]:.2f}x")
    lines.append(
        f"decode of the window / extractor (decode incl.): {speeds[DECODE] / speeds[EXTRACTOR]:.2f}x"
    )
    lines.append(
        f"deep tagger alone: {speeds[TAGGER]:.0f}x real time per core on the analysed window "
        f"(goal 100x); adding it to the extractor costs {speeds[EXTRACTOR] / speeds[BOTH]:.2f}x its time"
    )
    return "\n".join(lines)


def peak_memory(files: list[Path]) -> str:
    """Peak RSS of a fresh process that analyses every file, without and with the deep tagger.

    Read from /proc/self/status (VmHWM): `ru_maxrss` would carry over the parent's peak across exec.
    """
    script = (
        "import json, re, sys\n"
        "def peak_mb(): return int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 1024\n"
        "from tastemaker.audio import FeaturesParams\n"
        "from tastemaker.audio.parallel import analyse_chunk, warm_up\n"
        "params = FeaturesParams(workers=1, deep_tagger=sys.argv[1] == 'on')\n"
        "imported = peak_mb()\n"
        "warm_up(params)\n"
        "warmed = peak_mb()\n"
        "result = analyse_chunk([(str(i), p) for i, p in enumerate(json.loads(sys.stdin.read()))], params)\n"
        "assert not result.failures, result.failures\n"
        "print(imported, warmed, peak_mb())\n"
    )
    lines = ["Peak RSS of one process analysing every file (MB): imports, after the worker's warm-up, peak"]
    for label, switch in (("extractor alone", "off"), ("extractor + deep tagger", "on")):
        done = subprocess.run(
            [sys.executable, "-c", script, switch],
            input=json.dumps([str(f) for f in files]),
            capture_output=True,
            text=True,
            check=True,
        )
        imported, warmed, peak = map(float, done.stdout.split()[-3:])
        lines.append(
            f"  {label}: {imported:.0f}, {warmed:.0f}, {peak:.0f} (+{peak - imported:.0f} above imports)"
        )
    return "\n".join(lines)


def decode_window(path: Path, params: FeaturesParams) -> np.ndarray:
    return load_analysis_signal(path, params.analysis_sr, params.segment_s, params.max_analysis_s).samples


def naive_librosa(path: Path, params: FeaturesParams, whole_track: bool = False) -> None:
    """The textbook way: librosa.load, then one call per descriptor, each computing its own spectrogram."""
    import librosa
    import pyloudnorm

    start, length = analysis_windows(
        soundfile.info(str(path)).duration, params.segment_s, params.max_analysis_s
    )[0]
    if whole_track:
        start, length = 0.0, None
    y, sr = librosa.load(path, sr=params.analysis_sr, mono=True, offset=start, duration=length)
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=params.n_mfcc, n_mels=params.n_mels)
    librosa.feature.delta(mfcc)
    librosa.feature.spectral_centroid(y=y, sr=sr)
    librosa.feature.spectral_bandwidth(y=y, sr=sr)
    librosa.feature.spectral_rolloff(y=y, sr=sr)
    librosa.feature.spectral_flatness(y=y)
    librosa.feature.spectral_contrast(y=y, sr=sr)
    librosa.feature.chroma_stft(y=y, sr=sr)
    librosa.onset.onset_detect(y=y, sr=sr)
    librosa.feature.tempo(y=y, sr=sr)
    librosa.feature.rms(y=y)
    pyloudnorm.Meter(sr).integrated_loudness(y)


def essentia_available() -> bool:
    try:
        import essentia
        import essentia.standard
    except ImportError:
        return False
    essentia.log.infoActive = essentia.log.warningActive = False  # per-file chatter about frame rates
    return True


def essentia_descriptors(path: Path, params: FeaturesParams) -> None:
    """The same descriptors with Essentia's standard-mode algorithms, on the same decoded window."""
    import essentia.standard as es

    sr, n_fft, hop = params.analysis_sr, params.n_fft, params.hop_length
    signal = decode_window(path, params)
    window, spectrum = es.Windowing(type="hann"), es.Spectrum(size=n_fft)
    mfcc = es.MFCC(
        inputSize=n_fft // 2 + 1,
        sampleRate=sr,
        numberBands=params.n_mels,
        numberCoefficients=params.n_mfcc,
        highFrequencyBound=sr / 2,
    )
    centroid, moments, shape = (
        es.Centroid(range=sr / 2),
        es.CentralMoments(range=sr / 2),
        es.DistributionShape(),
    )
    rolloff, flatness = es.RollOff(sampleRate=sr), es.Flatness()
    contrast = es.SpectralContrast(frameSize=n_fft, sampleRate=sr)
    peaks, hpcp = es.SpectralPeaks(sampleRate=sr), es.HPCP(sampleRate=sr)
    onset_function, rms = es.OnsetDetection(method="complex", sampleRate=sr), es.RMS()
    mfccs, chroma, onset_values = [], [], []
    for frame in es.FrameGenerator(signal, frameSize=n_fft, hopSize=hop):
        magnitude = spectrum(window(frame))
        mfccs.append(mfcc(magnitude)[1])
        centroid(magnitude)
        shape(moments(magnitude))
        rolloff(magnitude)
        flatness(magnitude)
        contrast(magnitude)
        chroma.append(hpcp(*peaks(magnitude)))
        onset_values.append(onset_function(magnitude, np.zeros_like(magnitude)))
        rms(frame)
    np.diff(np.array(mfccs), axis=0)
    es.Key(profileType="krumhansl")(np.mean(chroma, axis=0).astype(np.float32))
    es.Onsets(frameRate=sr / hop)(np.array([onset_values], dtype=np.float32), [1])
    es.PercivalBpmEstimator(sampleRate=sr)(signal)
    es.LoudnessEBUR128(sampleRate=sr)(np.stack([signal, signal], axis=1))


def cold_process_cpu_seconds(files: list[Path]) -> float:
    """CPU seconds of a fresh interpreter that imports the extractor and analyses every file once."""
    script = (
        "import sys, tempfile, pandas as pd; from pathlib import Path\n"
        "from tastemaker.audio import FeaturesParams, extract_features\n"
        "tracks = pd.read_json(sys.stdin)\n"
        "with tempfile.TemporaryDirectory() as cache:\n"
        "    extract_features(tracks, FeaturesParams(workers=1), Path(cache))\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", script], input=tracks_table(files).to_json(), text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def first_file_cost(files: list[Path], params: FeaturesParams) -> str:
    """How much longer a pool worker's first file takes than its later ones (wall time inside the worker)."""
    sample = files[:12]
    created = time.time()
    with local_process_pool(params, 2) as pool:
        timings = list(pool.map(_timed_analysis, [str(p) for p in sample], [params] * len(sample)))
    pool_s = time.time() - created
    by_worker: dict[int, list[float]] = {}
    for pid, _, seconds in timings:
        by_worker.setdefault(pid, []).append(seconds)
    start_up_s = min(began for _, began, _ in timings) - created
    header = (
        f"Local pool, 2 workers, {len(sample)} files in {pool_s:.1f} s wall; the first file started "
        f"{start_up_s:.1f} s after the pool was created (forkserver start, preload imports, warm-up):"
    )
    lines = [header]
    lines.append(
        f"  that start-up costs {pool_start_up_cpu_seconds(params):.1f} CPU s, once per run, not per worker"
    )
    for pid, seconds in by_worker.items():
        later = statistics.median(seconds[1:]) if len(seconds) > 1 else float("nan")
        lines.append(
            f"  worker {pid}: first file {seconds[0]:.2f} s, later files {later:.2f} s (median), "
            f"first-file overhead {seconds[0] - later:+.2f} s"
        )
    return "\n".join(lines)


def pool_start_up_cpu_seconds(params: FeaturesParams) -> float:
    """CPU seconds of what the forkserver does before the first worker forks: preload, then one warm-up."""
    script = (
        "import sys; from tastemaker.audio.parallel import _WORKER_PRELOAD, warm_up\n"
        "from tastemaker.audio import FeaturesParams\n"
        "for module in _WORKER_PRELOAD: __import__(module)\n"
        "warm_up(FeaturesParams.model_validate_json(sys.argv[1]))\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", script, params.model_dump_json()], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _timed_analysis(path: str, params: FeaturesParams) -> tuple[int, float, float]:
    """(worker pid, wall-clock start, seconds) of analysing one file inside a pool worker."""
    began, started = time.time(), time.perf_counter()
    analyse_chunk([("benchmark", path)], params)
    return os.getpid(), began, time.perf_counter() - started


def warm_cache_time(example: Path, params: FeaturesParams, entries: int) -> str:
    """A second features run over `entries` unchanged tracks: their rows are all in the cache already."""
    with tempfile.TemporaryDirectory() as folder:
        cache_dir = Path(folder)
        row = extract_features(tracks_table([example]), params, cache_dir)
        template = pd.concat(
            [row.features.drop(columns="isrc"), row.tags.drop(columns="isrc").add_prefix("tag_")], axis=1
        ).copy()
        md5s = [hashlib.md5(str(i).encode()).hexdigest() for i in range(entries)]
        cache = FeatureCache(cache_dir, feature_set_version(params))
        for start in range(0, entries, params.chunk_size):  # as a first run leaves them: one part per chunk
            chunk = md5s[start : start + params.chunk_size]
            rows = pd.concat([template] * len(chunk), ignore_index=True)
            cache.write_part(pd.concat([pd.DataFrame({"md5": chunk}), rows], axis=1))
        tracks = pd.DataFrame(
            {"isrc": [f"BENCH{i:07d}" for i in range(entries)], "path": str(example), "md5": md5s}
        )
        started = time.perf_counter()
        first = extract_features(tracks, params, cache_dir)
        consolidating_s = time.perf_counter() - started
        started = time.perf_counter()
        second = extract_features(tracks, params, cache_dir)
        warm_s = time.perf_counter() - started
    assert first.cache_hits == second.cache_hits == entries
    return (
        f"Features stage over {entries} unchanged tracks: {warm_s:.2f} s "
        f"({consolidating_s:.2f} s when it first folds {entries // params.chunk_size} part files together)"
    )


def tracks_table(files: list[Path]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "isrc": [f"B{i:05d}" for i in range(len(files))],
            "path": [str(f) for f in files],
            "md5": [hashlib.md5(f.read_bytes()).hexdigest() for f in files],
        }
    )


def describe_files(files: list[Path], params: FeaturesParams) -> str:
    infos = [soundfile.info(str(f)) for f in files]
    formats = sorted({f"{i.format}/{i.subtype} {i.samplerate} Hz {i.channels} ch" for i in infos})
    minutes = sum(i.duration for i in infos) / 60
    return (
        f"{len(files)} files, {minutes:.1f} min of audio ({', '.join(formats)}); analysis at "
        f"{params.analysis_sr} Hz, n_fft {params.n_fft}, hop {params.hop_length}, "
        f"max_analysis_s {params.max_analysis_s:g}"
    )


def synthesise_music(folder: Path, count: int, seconds: float) -> None:
    """Music-like test tracks from the demo world's renderer, one per genre in turn, as Ogg Vorbis."""
    from tastemaker.world.styles import genre_table
    from tastemaker.world.synth import render_track

    folder.mkdir(parents=True, exist_ok=True)
    genres = genre_table()
    for i in range(count):
        genre = genres.iloc[i % len(genres)]
        style = {**genre.to_dict(), "key": i % 12, "mode": "major" if i % 3 else "minor"}
        audio = render_track(style, seconds, 44100, 2, seed=[i])
        with soundfile.SoundFile(
            folder / f"track{i:03d}.ogg", "w", 44100, 2, format="OGG", subtype="VORBIS"
        ) as out:
            for start in range(
                0, len(audio), 44100 * 10
            ):  # one call per 10 s: libsndfile's encoder dislikes huge writes
                out.write(audio[start : start + 44100 * 10])


def synthesise_dense_music(folder: Path, count: int, seconds: float) -> None:
    """Dense, full-band stereo music as 44.1 kHz Ogg Vorbis: what makes real masters costly to decode.

    The demo world's tracks are sparse (a few partials, quiet highs), so the Vorbis encoder spends few bits
    on them and decoding is cheap. Real mixes fill the whole band all the time: distorted, detuned chords
    rich in harmonics, a noise floor of cymbals and reverb up to 20 kHz, and decorrelated channels. This
    renders that, per track a different tempo, key and balance.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sr = 44100
    for i in range(count):
        rng = np.random.default_rng([7, i])
        frames = int(seconds * sr)
        t = np.arange(frames) / sr
        root = 55.0 * 2 ** (rng.integers(12) / 12)
        beat = 60.0 / rng.uniform(80, 170)
        audio = np.zeros((frames, 2), dtype=np.float32)
        for channel in range(2):
            detune = 1 + 0.004 * (channel - 0.5)
            chord = sum(
                ((root * ratio * detune * t) % 1.0) * 2 - 1 for ratio in (1, 1.5, 2, 3, 4.0 * 2 ** (4 / 12))
            )
            distorted = np.tanh(2.5 * chord).astype(np.float32)
            noise = rng.standard_normal(frames).astype(np.float32)  # white: flat up to 22 kHz
            pulse = (0.4 + 0.6 * np.exp(-((t % beat) / beat) * 6)).astype(np.float32)
            audio[:, channel] = 0.45 * distorted + 0.25 * noise * pulse + 0.1 * np.roll(noise, 441 + channel)
        audio *= np.float32(0.9 / np.abs(audio).max())
        with soundfile.SoundFile(
            folder / f"dense{i:03d}.ogg", "w", sr, 2, format="OGG", subtype="VORBIS"
        ) as out:
            for start in range(0, frames, sr * 10):
                out.write(audio[start : start + sr * 10])


if __name__ == "__main__":
    main()
