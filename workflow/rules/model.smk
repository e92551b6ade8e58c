# Training (one MLflow run) and its evaluation on the test split (same run, registered model);
# with cross-validation one of each per fold ({fold}), then the folds' test predictions pooled;
# with a hyperparameter search one training per trial ({trial}), the best on validation selected.


rule train:
    input:
        windows=expand(OUT.windows("{record}"), record=RECORDS),
        split=OUT.split,
    output:
        model=TRAINED.model,
        meta=TRAINED.model_meta,
        history=TRAINED.history,
        mlflow_run=TRAINED.mlflow_run,
    params:
        config=CONFIG_FILE,
        fold=fold_option,
        trial=lambda wildcards: f"--trial {wildcards.trial}" if TRIALS else "",
        # not arguments: a change of these settings reruns the rule
        rerun_if_changed=dict(model=CONFIG["model"], train=CONFIG["train"], tune=CONFIG["tune"]),
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
            histories=expand(OUT.for_trial("{trial}").history, trial=TRIALS),
            models=expand(OUT.for_trial("{trial}").model, trial=TRIALS),
        output:
            model=OUT.model,
            meta=OUT.model_meta,
            history=OUT.history,
            mlflow_run=OUT.mlflow_run,
            trials=OUT.tune_table,
            selected=OUT.tune_selected,
        params:
            config=CONFIG_FILE,
            rerun_if_changed=CONFIG["tune"],  # not an argument: a change of tune reruns the rule
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
        model=RUN.model,
        meta=RUN.model_meta,
        mlflow_run=RUN.mlflow_run,
        split=OUT.split,
        windows=expand(OUT.windows("{record}"), record=RECORDS),
        filtered=expand(OUT.filtered("{record}"), record=RECORDS),  # the failure gallery's traces
        headers=expand(record_file("hea"), record=RECORDS),
        signals=expand(record_file("dat"), record=RECORDS),
    output:
        *evaluation_outputs(RUN, PREDICTION_FIGURES | MODEL_FIGURES),
        val_predictions=RUN.val_predictions,  # what stacking chooses its weight and costs on
    params:
        config=CONFIG_FILE,
        fold=fold_option,
        # not arguments: a change of these settings reruns the rule
        rerun_if_changed=dict(evaluate=CONFIG["evaluate"], baseline=CONFIG["baseline"]),
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
            fold_metrics=every_fold(lambda run: run.metrics),
            fold_predictions=every_fold(lambda run: run.predictions),
            windows=expand(OUT.windows("{record}"), record=RECORDS),
            filtered=expand(OUT.filtered("{record}"), record=RECORDS),
            headers=expand(record_file("hea"), record=RECORDS),
            signals=expand(record_file("dat"), record=RECORDS),
        output:
            *evaluation_outputs(OUT, PREDICTION_FIGURES),
            mlflow_run=OUT.mlflow_run,
        params:
            config=CONFIG_FILE,
            rerun_if_changed=CONFIG["evaluate"],  # not an argument: a change of evaluate reruns the rule
        log:
            OUT.log("pool"),
        benchmark:
            OUT.benchmark("pool")
        conda:
            CONDA_ENV
        shell:
            "signalrnn pool --config {params.config} > {log} 2>&1"
