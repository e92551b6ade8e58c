# Training (one MLflow run) and its evaluation on the test split (same run, registered model);
# with cross-validation one of each per fold ({fold}), then the folds' test predictions pooled.


rule train:
    input:
        expand(OUT.windows("{record}"), record=RECORDS),
        OUT.split,
    output:
        RUN.model,
        RUN.model_meta,
        RUN.history,
        RUN.mlflow_run,
    params:
        config=CONFIG_FILE,
        fold=fold_option,
        model=CONFIG["model"],
        train=CONFIG["train"],
    threads: 8  # Snakemake lowers it to --cores on a smaller machine
    log:
        RUN.log("train"),
    benchmark:
        RUN.benchmark("train")
    conda:
        CONDA_ENV
    shell:
        "signalrnn train --config {params.config} {params.fold} 2>&1 | tee {log}"


rule evaluate:
    input:
        RUN.model,
        RUN.mlflow_run,
        OUT.split,
        expand(OUT.windows("{record}"), record=RECORDS),
        expand(OUT.filtered("{record}"), record=RECORDS),
        expand(record_file("hea"), record=RECORDS),
        expand(record_file("dat"), record=RECORDS),
    output:
        *evaluation_outputs(RUN, PREDICTION_FIGURES | MODEL_FIGURES),
    params:
        config=CONFIG_FILE,
        fold=fold_option,
        evaluate=CONFIG["evaluate"],
        baseline=CONFIG["baseline"],
    log:
        RUN.log("evaluate"),
    benchmark:
        RUN.benchmark("evaluate")
    conda:
        CONDA_ENV
    shell:
        "signalrnn evaluate --config {params.config} {params.fold} > {log} 2>&1"


if CV:

    rule pool:
        input:
            every_fold(lambda run: run.metrics),
            every_fold(lambda run: run.predictions),
            expand(OUT.windows("{record}"), record=RECORDS),
            expand(OUT.filtered("{record}"), record=RECORDS),
            expand(record_file("hea"), record=RECORDS),
            expand(record_file("dat"), record=RECORDS),
        output:
            *evaluation_outputs(OUT, PREDICTION_FIGURES),
            OUT.mlflow_run,
        params:
            config=CONFIG_FILE,
            evaluate=CONFIG["evaluate"],
        log:
            OUT.log("pool"),
        benchmark:
            OUT.benchmark("pool")
        conda:
            CONDA_ENV
        shell:
            "signalrnn pool --config {params.config} > {log} 2>&1"
