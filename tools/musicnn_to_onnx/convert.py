"""Export musicnn's MSD_musicnn checkpoint to ONNX, and record TensorFlow's outputs to check it against.

Run once, in the throwaway TensorFlow venv described in README.md, from the repository root:

    /tmp/tfenv/bin/python tools/musicnn_to_onnx/convert.py

It writes the model, its tag vocabulary and the musicnn licence beside it (tastemaker/audio/models/musicnn/),
and the reference outputs of the fixture clips (tests/fixtures/musicnn_reference.npz). The project never
imports TensorFlow: at run time the ONNX file is all there is.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

# TensorFlow's oneDNN kernels reorder float sums differently from run to run of a machine's thread count;
# with them off the reference outputs come from plain Eigen kernels. The switch is read when TensorFlow
# loads, so it is set before the import.
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import numpy as np
import soundfile
import tensorflow as tf
import tf2onnx
from musicnn import configuration, models
from musicnn.extractor import batch_data  # musicnn's own input: librosa.load at 16 kHz + its log-mel

REPO = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO / "tastemaker" / "audio" / "models" / "musicnn"
REFERENCE = REPO / "tests" / "fixtures" / "musicnn_reference.npz"
CHECKPOINT = "MSD_musicnn"
PATCH_FRAMES = 187  # musicnn's 3-second patch: time_to_frames(3 s, 16 kHz, hop 256) + 1
ONNX_OPSET = 17
INPUT, OUTPUTS = "melspectrogram", ("taggram", "embedding")
# What the parity test demands of ONNX Runtime against TensorFlow (max absolute difference).
TOLERANCE = {"taggram": 1e-4, "embedding": 1e-3}


def main() -> None:
    musicnn_dir = Path(models.__file__).parent
    graph_def, session = frozen_graph(musicnn_dir / CHECKPOINT)
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    model_path = MODEL_DIR / "msd_musicnn.onnx"
    previous = model_path.read_bytes() if model_path.exists() else None
    tf2onnx.convert.from_graph_def(
        graph_def,
        input_names=[f"{INPUT}:0"],
        output_names=[f"{name}:0" for name in OUTPUTS],
        opset=ONNX_OPSET,
        output_path=str(model_path),
    )
    (MODEL_DIR / "tags.txt").write_text("\n".join(configuration.MSD_LABELS) + "\n")
    licence = next(Path(models.__file__).parent.parent.glob("musicnn-*.dist-info")) / "LICENSE.md"
    shutil.copyfile(licence, MODEL_DIR / "LICENSE.md")
    reference = record_reference(session)
    print(f"{model_path.relative_to(REPO)}  sha256 {hashlib.sha256(model_path.read_bytes()).hexdigest()}")
    check_against_tensorflow(model_path.read_bytes(), reference, "the new model")
    if previous is not None:
        same = previous == model_path.read_bytes()
        print(f"bytes {'identical to' if same else 'differ from'} the model that was there before")
        check_against_tensorflow(previous, reference, "the model that was there before")


def check_against_tensorflow(model: bytes, reference: dict[str, np.ndarray], label: str) -> None:
    """Run `model` on ONNX Runtime over the recorded inputs; stop unless it matches TensorFlow's outputs."""
    import onnxruntime

    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    worst = dict.fromkeys(OUTPUTS, 0.0)
    for key in (k for k in reference if k.startswith("input_")):
        clip = key.removeprefix("input_")
        for name, value in zip(
            OUTPUTS, session.run([f"{o}:0" for o in OUTPUTS], {f"{INPUT}:0": reference[key]})
        ):
            worst[name] = max(worst[name], float(np.abs(value - reference[f"{name}_{clip}"]).max()))
    print(
        f"{label} against TensorFlow, max abs difference: "
        + ", ".join(f"{name} {worst[name]:.2e} (tolerance {TOLERANCE[name]:g})" for name in OUTPUTS)
    )
    if any(worst[name] > TOLERANCE[name] for name in OUTPUTS):
        sys.exit(f"{label} does not match TensorFlow within tolerance")


def frozen_graph(checkpoint: Path) -> tuple[tf.compat.v1.GraphDef, tf.compat.v1.Session]:
    """musicnn's inference graph with its weights folded in as constants, and a session to run it.

    `is_training` is the Python constant False rather than musicnn's boolean placeholder, so batch
    normalisation uses its stored statistics and dropout vanishes from the graph instead of becoming a
    conditional that ONNX would have to carry.
    """
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, PATCH_FRAMES, configuration.N_MELS], name=INPUT)
        with tf.name_scope("model"):
            logits, *_, penultimate = models.define_model(x, False, CHECKPOINT, len(configuration.MSD_LABELS))
        tf.nn.sigmoid(logits, name=OUTPUTS[0])
        tf.identity(penultimate, name=OUTPUTS[1])
        session = tf.compat.v1.Session(graph=graph)
        tf.compat.v1.train.Saver().restore(session, f"{checkpoint}/")
        frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
            session, graph.as_graph_def(), list(OUTPUTS)
        )
    return frozen, session


def record_reference(session: tf.compat.v1.Session) -> dict[str, np.ndarray]:
    """TensorFlow's taggram and embedding per patch of each fixture clip, with the input they were fed."""
    clips = _load_fixture_clips()
    arrays: dict[str, np.ndarray] = {"tags": np.array(configuration.MSD_LABELS)}
    with tempfile.TemporaryDirectory() as folder:
        for name in sorted(clips.CLIPS):
            wav = Path(folder) / f"{name}.wav"
            soundfile.write(wav, clips.render_clip(name), clips.SAMPLE_RATE, subtype="FLOAT")
            patches, _ = batch_data(str(wav), PATCH_FRAMES, PATCH_FRAMES)  # float32, (patches, 187, 96)
            taggram, embedding = session.run(
                [f"{OUTPUTS[0]}:0", f"{OUTPUTS[1]}:0"], feed_dict={f"{INPUT}:0": patches}
            )
            arrays[f"input_{name}"] = patches
            arrays[f"taggram_{name}"] = taggram
            arrays[f"embedding_{name}"] = embedding
    np.savez_compressed(REFERENCE, **arrays)
    return arrays


def _load_fixture_clips():
    """tests/fixtures/musicnn_clips.py, by path: this venv does not install the project."""
    spec = importlib.util.spec_from_file_location(
        "musicnn_clips", REPO / "tests" / "fixtures" / "musicnn_clips.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()
