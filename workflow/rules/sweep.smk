# The SNR sweep: the test patients simulated again at each sweep.snr_db, scored by model and rule.


rule sweep:
    input:
        model=OUT.model,
        meta=OUT.model_meta,
        metrics=OUT.metrics,
        split=OUT.split,
    output:
        metrics=OUT.sweep_metrics("{snr}"),
    params:
        config=CONFIG_FILE,
        # not arguments: a change of these settings reruns the rule
        rerun_if_changed=dict(simulate=CONFIG["simulate"], filter=CONFIG["filter"], window=CONFIG["window"]),
    log:
        OUT.log("sweep/{snr}dB"),
    benchmark:
        OUT.benchmark("sweep/{snr}dB")
    conda:
        CONDA_ENV
    shell:
        "signalrnn sweep --config {params.config} --snr-db {wildcards.snr} > {log} 2>&1"
