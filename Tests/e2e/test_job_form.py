"""The job form: server validation errors beside their fields, the JSON editor
round-tripping with the form, container settings."""

import json
import uuid

from selenium.webdriver.common.by import By


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_validation_errors_are_shown_beside_their_fields(page, server):
    job_id = unique("invalid")
    page.open("#/jobs/new")
    page.wait_heading("Create a job")
    page.fill("Job ID", job_id)
    page.fill("Mem (MiB)", "16")
    page.fill("Command", "echo hi")
    page.field("Run on a schedule").click()
    page.fill("CRON schedule", "not a cron")
    page.click("Create job")

    messages, control = page.error_beside("Mem (MiB)")
    assert any("32" in message for message in messages), messages
    assert control.get_attribute("aria-invalid") == "true"
    summary = page.find(".error-summary")
    assert "smaller than required minimum value of 32" in summary.text
    page.screenshot("job-form-validation")
    assert server.request("GET", f"/v1/jobs/{job_id}")[0] == 404

    # The schema errors come first; once they are fixed the cron expression is checked.
    page.fill("Mem (MiB)", "64")
    page.click("Create job")
    cron_messages, cron = page.error_beside("CRON schedule")
    assert any("not a cron" in message for message in cron_messages), cron_messages
    assert cron.get_attribute("aria-invalid") == "true"
    assert page.field("Mem (MiB)").get_attribute("aria-invalid") is None, "the fixed field still shows its error"

    page.fill("CRON schedule", "15 4 * * *")
    page.click("Create job")
    page.wait_heading(job_id)
    assert server.request("GET", f"/v1/jobs/{job_id}")[0] == 200


def test_a_top_level_error_is_shown_in_the_summary(page, server):
    page.open("#/jobs/new")
    page.fill("Job ID", unique("nothing-to-run"))
    page.click("Create job")
    summary = page.find(".error-summary")
    assert "Cmd, Docker or UCR image must be specified" in summary.text


def test_json_editor_round_trips_with_the_form(page, server):
    job_id = unique("json")
    page.open("#/jobs/new")
    page.fill("Job ID", job_id)
    page.fill("Command", "echo from json")
    page.click("+ Add label")
    key, value = page.driver.find_elements(By.CSS_SELECTOR, "[data-paths='/labels'] .row input")[:2]
    key.send_keys("team")
    value.send_keys("data")

    page.click("JSON editor")
    editor = page.find("textarea.json-editor")
    document = json.loads(editor.get_attribute("value"))
    assert document["id"] == job_id
    assert document["run"]["cmd"] == "echo from json"
    assert document["labels"] == {"team": "data"}

    # Fields the form has no control for survive the trip back to the form.
    document["description"] = "Edited as JSON"
    document["run"]["env"] = {"GREETING": "hello"}
    page.driver.execute_script("arguments[0].value = arguments[1]", editor, json.dumps(document, indent=2))
    page.screenshot("job-form-json")
    page.click("Form")
    assert page.field("Description").get_attribute("value") == "Edited as JSON"
    page.click("Create job")
    page.wait_heading(job_id)
    status, spec = server.request("GET", f"/v1/jobs/{job_id}")
    assert spec["run"]["env"] == {"GREETING": "hello"}
    assert spec["labels"] == {"team": "data"}
    assert spec["description"] == "Edited as JSON"


def test_invalid_json_keeps_the_editor_open(page, server):
    page.open("#/jobs/new")
    page.click("JSON editor")
    editor = page.find("textarea.json-editor")
    page.driver.execute_script("arguments[0].value = '{ not json'", editor)
    page.click("Form")
    error = page.find(".tab-panel:not([hidden]) .field-error")
    assert "Fix the JSON" in error.text
    assert page.driver.find_element(By.CSS_SELECTOR, "textarea.json-editor").is_displayed()


def test_container_job_with_docker_settings(page, server):
    job_id = unique("container")
    page.open("#/jobs/new")
    page.fill("Job ID", job_id)
    page.field("Container image").click()
    page.fill("Image", "busybox:1.36")
    page.fill("Command", "echo in a container")
    page.field("Docker Engine").click()
    page.field("Force pull image on launch").click()
    page.field("Grant runtime privileges").click()
    page.click("+ Add parameter")
    name, value = page.driver.find_elements(By.CSS_SELECTOR, "[data-paths='/run/docker/parameters'] .row input")[:2]
    name.send_keys("label")
    value.send_keys("tier=batch")
    page.click("+ Add arg")
    page.driver.find_element(By.CSS_SELECTOR, "[data-paths='/run/args'] .row input").send_keys("--verbose")
    page.screenshot("job-form-container")
    page.click("Create job")
    page.wait_heading(job_id)
    _, spec = server.request("GET", f"/v1/jobs/{job_id}")
    assert spec["run"]["docker"] == {
        "image": "busybox:1.36", "forcePullImage": True, "privileged": True,
        "parameters": [{"key": "label", "value": "tier=batch"}],
    }
    assert spec["run"]["args"] == ["--verbose"]


def test_run_configuration_fields(page, server):
    job_id = unique("runconfig")
    page.open("#/jobs/new")
    page.fill("Job ID", job_id)
    page.fill("Command", "exit 0")
    page.fill("Kill grace period (s)", "7")
    page.fill("Max launch delay (s)", "600")
    page.click("+ Add artifact")
    page.driver.find_element(By.CSS_SELECTOR, "[data-paths='/run/artifacts'] .row input[type='text'], [data-paths='/run/artifacts'] .row input:not([type='checkbox'])").send_keys("https://example.com/tool.tar.gz")
    select = page.field("Restart policy")
    select.find_element(By.CSS_SELECTOR, "option[value='ON_FAILURE']").click()
    page.fill("Keep trying time (s)", "120")
    page.click("Create job")
    page.wait_heading(job_id)
    _, spec = server.request("GET", f"/v1/jobs/{job_id}")
    assert spec["run"]["taskKillGracePeriodSeconds"] == 7
    assert spec["run"]["maxLaunchDelay"] == 600
    assert spec["run"]["artifacts"] == [{"uri": "https://example.com/tool.tar.gz", "extract": True, "executable": False, "cache": False}]
    assert spec["run"]["restart"] == {"policy": "ON_FAILURE", "activeDeadlineSeconds": 120}
