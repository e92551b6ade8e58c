# The SNR sweep: the test patients simulated again at each sweep.snr_db, scored by model and rule.


rule sweep:
    input:
        OUT.model,
        OUT.model_meta,
        OUT.metrics,
        OUT.split,
    output:
        OUT.sweep_metrics("{snr}"),
    params:
        config=CONFIG_FILE,
        simulate=CONFIG["simulate"],
        filter=CONFIG["filter"],
        window=CONFIG["window"],
    log:
        OUT.log("sweep/{snr}dB"),
    benchmark:
        OUT.benchmark("sweep/{snr}dB")
    conda:
        CONDA_ENV
    shell:
        "signalrnn sweep --config {params.config} --snr-db {wildcards.snr} > {log} 2>&1"
