# New records (predict.records_dir) annotated with the trained model, or with predict.model:
# WFDB annotations and a CSV of class probabilities per record.

# A model.keras file needs its model.json; a models:/ URI is fetched from the MLflow registry.
PREDICT_MODEL = PREDICT["model"] or str(OUT.model)
REGISTERED = PREDICT_MODEL.startswith("models:/")
PREDICT_EXTENSIONS = ["hea", "dat"] + ([ANNOTATION_EXT] if PREDICT["events"] == "annotations" else [])


rule predict:
    input:
        model=[] if REGISTERED else PREDICT_MODEL,
        meta=[] if REGISTERED else str(Path(PREDICT_MODEL).with_name("model.json")),
        record=[f"{PREDICT['records_dir']}/{{record}}.{ext}" for ext in PREDICT_EXTENSIONS],
    output:
        table=OUT.predicted("{record}", "csv"),
        annotations=OUT.predicted("{record}", "pred"),
    params:
        model=lambda wildcards, input: PREDICT_MODEL if REGISTERED else input.model,
        out=lambda wildcards, output: Path(output.table).parent,
        record=lambda wildcards: f"{PREDICT['records_dir']}/{wildcards.record}",
        events=f"--events {PREDICT['events']}" if PREDICT["events"] else "",
        channels=f"--channels {shlex.quote(','.join(PREDICT['channels']))}" if PREDICT["channels"] else "",
        tracking_uri=CONFIG["mlflow"]["tracking_uri"],
    log:
        OUT.log("predict/{record}"),
    benchmark:
        OUT.benchmark("predict/{record}")
    conda:
        CONDA_ENV
    shell:
        "signalrnn predict --model {params.model} --out {params.out} {params.events} {params.channels} "
        "--tracking-uri {params.tracking_uri} {params.record} > {log} 2>&1"
