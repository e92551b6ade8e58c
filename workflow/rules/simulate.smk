# The synthetic epicardial-mapping dataset, written only when simulate.enabled.
if CONFIG["simulate"]["enabled"]:

    rule simulate:
        output:
            expand(f"{DATA}/{{record}}.{{ext}}", record=RECORDS, ext=["hea", "dat", ANNOTATION_EXT]),
            f"{DATA}/truth.csv",
            f"{DATA}/RECORDS",
        params:
            config=CONFIG_FILE,
            simulate=CONFIG["simulate"],
        log:
            OUT.log("simulate"),
        benchmark:
            OUT.benchmark("simulate")
        conda:
            CONDA_ENV
        shell:
            "signalrnn simulate --config {params.config} > {log} 2>&1"
