# Training (one MLflow run) and its evaluation on the test split (same run, registered model).


rule train:
    input:
        expand(OUT.windows("{record}"), record=RECORDS),
        OUT.split,
    output:
        OUT.model,
        OUT.model_meta,
        OUT.history,
        OUT.mlflow_run,
    params:
        config=CONFIG_FILE,
        model=CONFIG["model"],
        train=CONFIG["train"],
    threads: 8  # Snakemake lowers it to --cores on a smaller machine
    log:
        OUT.log("train"),
    benchmark:
        OUT.benchmark("train")
    conda:
        CONDA_ENV
    shell:
        "signalrnn train --config {params.config} 2>&1 | tee {log}"


rule evaluate:
    input:
        OUT.model,
        OUT.mlflow_run,
        OUT.split,
        expand(OUT.windows("{record}"), record=RECORDS),
        expand(OUT.filtered("{record}"), record=RECORDS),
        expand(record_file("hea"), record=RECORDS),
        expand(record_file("dat"), record=RECORDS),
    output:
        OUT.metrics,
        OUT.predictions,
        OUT.table("per_patient"),
        OUT.table("per_record"),
        OUT.table("operating_points"),
        OUT.provenance,
        report(OUT.confusion_png, caption="../report/confusion_matrix.rst", category="Results"),
        report(OUT.figure("roc_pr"), caption="../report/roc_pr.rst", category="Results"),
        report(OUT.figure("reliability"), caption="../report/reliability.rst", category="Results"),
        report(OUT.figure("per_patient"), caption="../report/per_patient.rst", category="Results"),
        report(OUT.figure("hidden_states"), caption="../report/hidden_states.rst", category="Results"),
        report(OUT.figure("failures"), caption="../report/failures.rst", category="Failures"),
    params:
        config=CONFIG_FILE,
        evaluate=CONFIG["evaluate"],
        baseline=CONFIG["baseline"],
    log:
        OUT.log("evaluate"),
    benchmark:
        OUT.benchmark("evaluate")
    conda:
        CONDA_ENV
    shell:
        "signalrnn evaluate --config {params.config} > {log} 2>&1"
