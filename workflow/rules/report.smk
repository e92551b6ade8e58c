# The self-contained HTML report for clinical review.


rule report:
    input:
        OUT.metrics,
        every_fold(lambda run: run.history) if CV else OUT.history,
        OUT.split,
        OUT.provenance,
        expand(OUT.window_drops("{record}"), record=RECORDS),
        [OUT.tune_table] if TRIALS else [],
        [OUT.table(name) for name in TABLES],
        # pooled folds have no hidden-state map (one model per fold)
        [OUT.figure(name) for name in (PREDICTION_FIGURES if CV else PREDICTION_FIGURES | MODEL_FIGURES)],
        expand(OUT.sweep_metrics("{snr}"), snr=SWEEP_LEVELS),
    output:
        report(OUT.report, caption="../report/report.rst", category="Report"),
        report(OUT.curves_png, caption="../report/training_curves.rst", category="Results"),
        report(OUT.examples_png, caption="../report/example_windows.rst", category="Data"),
        *([report(OUT.figure("snr_sweep"), caption="../report/snr_sweep.rst", category="Results")]
          if SWEEP_LEVELS else []),
    params:
        config=CONFIG_FILE,
        report=CONFIG["report"],
    log:
        OUT.log("report"),
    benchmark:
        OUT.benchmark("report")
    conda:
        CONDA_ENV
    shell:
        "signalrnn report --config {params.config} > {log} 2>&1"
