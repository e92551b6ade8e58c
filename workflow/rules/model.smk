# Training (one MLflow run) and its evaluation on the test split (same run, registered model);
# with cross-validation one of each per fold ({fold}), then the folds' test predictions pooled;
# with a hyperparameter search one training per trial ({trial}), the best on validation selected.


rule train:
    input:
        expand(OUT.windows("{record}"), record=RECORDS),
        OUT.split,
    output:
        TRAINED.model,
        TRAINED.model_meta,
        TRAINED.history,
        TRAINED.mlflow_run,
    params:
        config=CONFIG_FILE,
        fold=fold_option,
        trial=lambda wildcards: f"--trial {wildcards.trial}" if TRIALS else "",
        model=CONFIG["model"],
        train=CONFIG["train"],
        tune=CONFIG["tune"],
    threads: 8  # Snakemake lowers it to --cores on a smaller machine
    log:
        TRAINED.log("train"),
    benchmark:
        TRAINED.benchmark("train")
    conda:
        CONDA_ENV
    shell:
        "signalrnn train --config {params.config} {params.fold} {params.trial} 2>&1 | tee {log}"


if TRIALS:

    rule select:
        input:
            expand(OUT.for_trial("{trial}").history, trial=TRIALS),
            expand(OUT.for_trial("{trial}").model, trial=TRIALS),
        output:
            OUT.model,
            OUT.model_meta,
            OUT.history,
            OUT.mlflow_run,
            OUT.tune_table,
            OUT.tune_selected,
        params:
            config=CONFIG_FILE,
            tune=CONFIG["tune"],
        log:
            OUT.log("select"),
        benchmark:
            OUT.benchmark("select")
        conda:
            CONDA_ENV
        shell:
            "signalrnn select --config {params.config} > {log} 2>&1"


rule evaluate:
    input:
        RUN.model,
        RUN.model_meta,
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
