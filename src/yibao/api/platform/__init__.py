"""The national-platform sandbox: ``POST /platform/{infno}`` as a hospital's HIS calls the 医疗保障
信息平台 — request and response envelopes, the outpatient and inpatient flows, reconciliation and
settlement queries. Transaction numbers and field names, with the public HIS code they were
confirmed against, are listed in docs/platform.md."""
