# Models beside the LSTM (companion.enabled): the gradient-boosting companion trained on the same
# split or fold as the LSTM, and the two stacked (weight and decision costs chosen on the fold's
# validation split); each scored on the same test split, then (cross-validation) pooled.
from signalrnn.io.layout import MEMBERS

# Settings of the stacking alone: a change of them reruns the stack, not the companion.
STACKING_KEYS = {"stack_weights", "cost_grid", "cost_reference", "reference_called_max", "screening"}

if CONFIG["companion"]["enabled"]:
    COMPANION, STACKED = RUN.for_member("companion"), RUN.for_member("stacked")

    rule companion:
        input:
            windows=expand(OUT.windows("{record}"), record=RECORDS),
            split=OUT.split,
            filtered=expand(OUT.filtered("{record}"), record=RECORDS),  # the failure gallery's traces
            headers=expand(record_file("hea"), record=RECORDS),
            signals=expand(record_file("dat"), record=RECORDS),
        output:
            *evaluation_outputs(COMPANION, PREDICTION_FIGURES),
            booster=COMPANION.booster,
            val_predictions=COMPANION.val_predictions,
            mlflow_run=COMPANION.mlflow_run,
        params:
            config=CONFIG_FILE,
            fold=fold_option,
            # not arguments: a change of these settings reruns the rule
            rerun_if_changed=dict(
                companion={k: v for k, v in CONFIG["companion"].items() if k not in STACKING_KEYS},
                gate=CONFIG["model"]["premature_gate"],
                evaluate=CONFIG["evaluate"],
                aami=CONFIG["aami"],
            ),
        threads: 2  # the booster's OpenMP threads
        log:
            COMPANION.log("companion"),
        benchmark:
            COMPANION.benchmark("companion")
        conda:
            CONDA_ENV
        shell:
            "OMP_NUM_THREADS={threads} signalrnn companion --config {params.config} {params.fold} > {log} 2>&1"

    rule stack:
        input:
            lstm=RUN.predictions,
            lstm_val=RUN.val_predictions,
            companion=COMPANION.predictions,
            companion_val=COMPANION.val_predictions,
            split=OUT.split,
            filtered=expand(OUT.filtered("{record}"), record=RECORDS),
            headers=expand(record_file("hea"), record=RECORDS),
            signals=expand(record_file("dat"), record=RECORDS),
        output:
            *evaluation_outputs(STACKED, PREDICTION_FIGURES),
            stacking=STACKED.stacking,
            mlflow_run=STACKED.mlflow_run,
        params:
            config=CONFIG_FILE,
            fold=fold_option,
            rerun_if_changed=dict(companion=CONFIG["companion"], evaluate=CONFIG["evaluate"], aami=CONFIG["aami"]),
        log:
            STACKED.log("stack"),
        benchmark:
            STACKED.benchmark("stack")
        conda:
            CONDA_ENV
        shell:
            "signalrnn stack --config {params.config} {params.fold} > {log} 2>&1"

    if CV:

        for member in MEMBERS:  # one pooling rule per member (pool_companion, pool_stacked)

            rule:
                name:
                    f"pool_{member}"
                input:
                    fold_metrics=every_fold(lambda run, m=member: run.for_member(m).metrics),
                    fold_predictions=every_fold(lambda run, m=member: run.for_member(m).predictions),
                    fold_runs=every_fold(lambda run, m=member: run.for_member(m).mlflow_run),
                    windows=expand(OUT.windows("{record}"), record=RECORDS),
                    filtered=expand(OUT.filtered("{record}"), record=RECORDS),
                    headers=expand(record_file("hea"), record=RECORDS),
                    signals=expand(record_file("dat"), record=RECORDS),
                output:
                    *evaluation_outputs(OUT.for_member(member), PREDICTION_FIGURES),
                    mlflow_run=OUT.for_member(member).mlflow_run,
                params:
                    config=CONFIG_FILE,
                    member=member,
                    rerun_if_changed=[CONFIG["evaluate"], CONFIG["aami"]],
                log:
                    OUT.for_member(member).log("pool"),
                benchmark:
                    OUT.for_member(member).benchmark("pool")
                conda:
                    CONDA_ENV
                shell:
                    "signalrnn pool --config {params.config} --member {params.member} > {log} 2>&1"
