# signalrnn: WFDB records -> filter -> annotate -> window -> split -> train -> evaluate -> report.
# Run `snakemake --cores all` (default config) or add `--configfile configs/<other>.yaml`.
from snakemake.utils import min_version, validate

min_version("9.0")


# The default experiment, unless --configfile names another (Snakemake would merge the two).
if not workflow.overwrite_configfiles:

    configfile: "configs/default.yaml"



report: "workflow/report/workflow.rst"


# common.smk checks the config first, to report a bad key in one line.
include: "workflow/rules/common.smk"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/simulate.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/preprocess.smk"
include: "workflow/rules/model.smk"
include: "workflow/rules/companion.smk"
include: "workflow/rules/sweep.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/predict.smk"
include: "workflow/rules/map.smk"
include: "workflow/rules/real_recordings.smk"


rule all:
    input:
        OUT.metrics,
        OUT.report,
        expand(OUT.predicted("{record}"), record=PREDICT_RECORDS),
    default_target: True


# Every record's windows, and so its filtered signal and events: the preprocessing alone.
rule windows:
    input:
        expand(OUT.windows("{record}"), record=RECORDS),


# Maps of every predicted record (workflow/rules/map.smk); not part of all.
rule maps:
    input:
        expand(OUT.map_report("{record}"), record=PREDICT_RECORDS),
