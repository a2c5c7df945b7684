"""One module per pipeline stage: read the stage's inputs, call the library, write its outputs.

`dvc.yaml` runs each as `python -m pipelines.<stage>`; the Prefect flows in `flows/` call the
same `run()` functions, so no stage logic exists twice.
"""
