# The synthetic epicardial-mapping dataset, written only when simulate.enabled.
if CONFIG["simulate"]["enabled"]:

    rule simulate:
        output:
            records=expand(f"{DATA}/{{record}}.{{ext}}", record=RECORDS, ext=["hea", "dat", ANNOTATION_EXT]),
            truth=f"{DATA}/truth.csv",
            record_list=f"{DATA}/RECORDS",
        params:
            config=CONFIG_FILE,
            rerun_if_changed=CONFIG["simulate"],  # not an argument: a change of simulate reruns the rule
        log:
            OUT.log("simulate"),
        benchmark:
            OUT.benchmark("simulate")
        conda:
            CONDA_ENV
        shell:
            "signalrnn simulate --config {params.config} > {log} 2>&1"
