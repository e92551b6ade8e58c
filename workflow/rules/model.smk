# Training (one MLflow run) and its evaluation on the test split.


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
    output:
        OUT.metrics,
        OUT.predictions,
        report(OUT.confusion_png, caption="../report/confusion_matrix.rst", category="Results"),
    params:
        config=CONFIG_FILE,
    log:
        OUT.log("evaluate"),
    benchmark:
        OUT.benchmark("evaluate")
    conda:
        CONDA_ENV
    shell:
        "signalrnn evaluate --config {params.config} > {log} 2>&1"
