# The self-contained HTML report for clinical review.

# Maps scored against the simulator's truth need its array electrodes as channels (unipolar montage).
MAPS_AGAINST_TRUTH = CONFIG["simulate"]["enabled"] and CONFIG["simulate"]["montage"] == "unipolar"


rule report:
    input:
        metrics=OUT.metrics,
        histories=every_fold(lambda run: run.history) if CV else OUT.history,
        split=OUT.split,
        provenance=OUT.provenance,
        dropped=expand(OUT.window_drops("{record}"), record=RECORDS),
        trials=[OUT.tune_table] if TRIALS else [],
        tables=[OUT.table(name) for name in TABLES],
        # pooled folds have no hidden-state map (one model per fold)
        figures=[OUT.figure(name) for name in (PREDICTION_FIGURES if CV else PREDICTION_FIGURES | MODEL_FIGURES)],
        sweep=expand(OUT.sweep_metrics("{snr}"), snr=SWEEP_LEVELS),
        truth=[f"{DATA}/truth.csv"] if MAPS_AGAINST_TRUTH else [],
        real_recordings=[OUT.real_summary] if CONFIG["real_recordings"]["enabled"] else [],
        # the models beside the LSTM, shown side by side with it
        members=[OUT.for_member(m).metrics for m in MEMBERS] if CONFIG["companion"]["enabled"] else [],
    output:
        html=report(OUT.report, caption="../report/report.rst", category="Report"),
        training_curves=report(OUT.curves_png, caption="../report/training_curves.rst", category="Results"),
        example_windows=report(OUT.examples_png, caption="../report/example_windows.rst", category="Data"),
        sweep_figure=[report(OUT.figure("snr_sweep"), caption="../report/snr_sweep.rst", category="Results")]
        if SWEEP_LEVELS
        else [],
        maps_figure=[report(OUT.figure("maps_truth"), caption="../report/maps_truth.rst", category="Results")]
        if MAPS_AGAINST_TRUTH
        else [],
    params:
        config=CONFIG_FILE,
        rerun_if_changed=[CONFIG["report"], CONFIG["mapping"], CONFIG["companion"]],  # not arguments: a change reruns the rule
    log:
        OUT.log("report"),
    benchmark:
        OUT.benchmark("report")
    conda:
        CONDA_ENV
    shell:
        "signalrnn report --config {params.config} > {log} 2>&1"
