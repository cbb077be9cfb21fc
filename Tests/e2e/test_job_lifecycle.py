"""A job's life in the browser: create it through the form, run it, edit its schedule,
disable the schedule, delete it — each step checked against the API as well."""

import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_create_run_edit_schedule_and_delete(page, server):
    job_id = f"e2e.{unique('hello')}"
    page.open("#/jobs")
    page.wait_heading("Jobs")

    page.click("+ Create a job")
    page.wait_heading("Create a job")
    page.fill("Job ID", job_id)
    page.fill("Description", "Created by the browser test")
    page.fill("CPUs", "0.1")
    page.fill("Mem (MiB)", "64")
    page.fill("Command", "echo hello from the form")
    page.field("Run on a schedule").click()
    page.fill("Schedule ID", "yearly")
    page.fill("CRON schedule", "0 0 1 1 *")
    # The preview of the next fire times comes from the server.
    page.wait(lambda d: "Next runs" in d.find_element(By.CSS_SELECTOR, ".schedule-preview").text, "no schedule preview")
    page.screenshot("job-form-create")
    page.click("Create job")

    # The detail page of the new job.
    page.wait_heading(job_id.split(".")[-1])
    status, spec = server.request("GET", f"/v1/jobs/{job_id}")
    assert status == 200
    assert spec["description"] == "Created by the browser test"
    assert spec["run"]["cmd"] == "echo hello from the form"
    assert spec["run"]["mem"] == 64
    assert spec["schedules"][0]["cron"] == "0 0 1 1 *"

    # Run it: the run page shows the run until it succeeds.
    page.click("▶ Run now")
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text.startswith("Run "), "no run page")
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, ".run-status").text == "Success", "run never succeeded")
    assert page.driver.find_elements(By.CSS_SELECTOR, "[data-task-id]"), "the run shows no task"
    # Its output, from the logs API (test_run_logs.py follows one live).
    page.wait(lambda d: "hello from the form" in d.find_element(By.CSS_SELECTOR, "pre.log-output").text, "no output shown")
    page.screenshot("run-detail")

    # Back on the job, the run is in the history.
    page.driver.find_element(By.CSS_SELECTOR, ".breadcrumbs li:last-child a").click()
    page.wait_heading(job_id.split(".")[-1])
    page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".history-table [data-run-id]"), "history is empty")
    page.screenshot("job-detail")

    # Edit the schedule.
    page.click("Edit")
    page.wait_heading(f"Edit {job_id}")
    assert page.field("Job ID").get_attribute("readonly") is not None
    page.fill("CRON schedule", "30 2 * * 1-5")
    page.fill("Time zone", "Europe/Berlin")
    page.click("Save changes")
    page.wait_heading(job_id.split(".")[-1])
    status, schedules = server.request("GET", f"/v1/jobs/{job_id}/schedules")
    assert schedules[0]["cron"] == "30 2 * * 1-5"
    assert schedules[0]["timezone"] == "Europe/Berlin"
    assert schedules[0]["enabled"] is True
    page.wait(lambda d: "30 2 * * 1-5" in d.find_element(By.CSS_SELECTOR, ".facts").text, "detail shows the old cron")

    # Disable the schedule from the detail page.
    page.click("Disable schedule")
    page.button("Enable schedule")
    status, schedules = server.request("GET", f"/v1/jobs/{job_id}/schedules")
    assert schedules[0]["enabled"] is False

    # Delete it; the dialog asks about current runs.
    page.click("Delete")
    dialog = page.find("dialog[open]")
    assert "Stop current runs" in dialog.text
    page.screenshot("job-delete-dialog")
    page.click("Delete job")
    # Back in the job's folder, which no longer lists it.
    page.wait_heading("e2e")
    assert job_id not in [r.get_attribute("data-job-id") for r in page.driver.find_elements(By.CSS_SELECTOR, "tbody tr[data-job-id]")]
    status, _ = server.request("GET", f"/v1/jobs/{job_id}")
    assert status == 404


def test_delete_of_a_running_job_needs_stop_current_runs(page, server):
    job_id = unique("sleeper")
    server.request("POST", "/v1/jobs", {"id": job_id, "run": {"cmd": "sleep 600", "cpus": 0.1, "mem": 32, "disk": 0}})
    status, run = server.request("POST", f"/v1/jobs/{job_id}/runs")
    assert status == 201
    page.open(f"#/jobs/{job_id}")
    page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-run-id='{run['id']}']"), "active run not shown")

    page.click("Delete")
    stop = page.find("dialog[open] input[name='stopCurrentJobRuns']")
    assert stop.is_selected(), "with active runs, stopping them is proposed"
    stop.click()  # untick: the server refuses and the dialog explains
    page.click("Delete job")
    page.wait(lambda d: "active job runs" in d.find_element(By.CSS_SELECTOR, "dialog[open] .field-error").text, "no 409 shown")
    assert server.request("GET", f"/v1/jobs/{job_id}")[0] == 200

    page.find("dialog[open] input[name='stopCurrentJobRuns']").click()
    page.click("Delete job")
    page.wait_heading("Jobs")
    assert server.request("GET", f"/v1/jobs/{job_id}")[0] == 404


def test_delete_of_a_parent_says_which_jobs_depend_on_it(page, server):
    parent, child = unique("parent"), unique("child")
    server.request("POST", "/v1/jobs", {"id": parent, "run": {"cmd": "true", "cpus": 0.1, "mem": 32, "disk": 0}})
    server.request("POST", "/v1/jobs", {"id": child, "run": {"cmd": "true", "cpus": 0.1, "mem": 32, "disk": 0},
                                        "dependencies": [{"id": parent}]})
    page.open(f"#/jobs/{parent}")
    page.wait_heading(parent)
    page.click("Delete")
    page.click("Delete job")
    error = page.wait(lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open] .field-error").text, "no 409 shown")
    assert child in error and "from their dependencies" in error and "Stop current runs" not in error
    assert server.request("GET", f"/v1/jobs/{parent}")[0] == 200


def test_keyboard_reaches_the_form_and_submits(page, server):
    job_id = unique("keyboard")
    page.open("#/jobs")
    page.wait_heading("Jobs")
    body = page.driver.find_element(By.TAG_NAME, "body")
    # Tab from the top of the page until "Create a job" has focus, then press Enter.
    for _ in range(15):
        body.send_keys(Keys.TAB) if page.driver.switch_to.active_element.tag_name == "body" else page.driver.switch_to.active_element.send_keys(Keys.TAB)
        if page.driver.switch_to.active_element.text == "+ Create a job":
            break
    assert page.driver.switch_to.active_element.text == "+ Create a job"
    page.driver.switch_to.active_element.send_keys(Keys.ENTER)
    page.wait_heading("Create a job")
    # Focus moved to the heading, as after a page load.
    assert page.driver.switch_to.active_element.tag_name == "h1"
    page.field("Job ID").send_keys(job_id)
    page.fill("Command", "true")
    page.field("Command").send_keys(Keys.TAB)
    # Enter in a text field submits the form.
    page.field("Job ID").send_keys(Keys.ENTER)
    page.wait_heading(job_id)
    assert server.request("GET", f"/v1/jobs/{job_id}")[0] == 200


def test_edit_adds_and_removes_a_schedule(page, server):
    job_id = unique("later")
    server.request("POST", "/v1/jobs", {"id": job_id, "run": {"cmd": "true", "cpus": 0.01, "mem": 32, "disk": 0}})

    page.open(f"#/jobs/{job_id}/edit")
    page.wait_heading(f"Edit {job_id}")
    page.field("Run on a schedule").click()
    page.fill("Schedule ID", "every-monday")
    page.fill("CRON schedule", "0 8 * * 1")
    page.field("Concurrency policy").find_element(By.CSS_SELECTOR, "option[value='FORBID']").click()
    page.click("Save changes")
    page.wait_heading(job_id)
    _, schedules = server.request("GET", f"/v1/jobs/{job_id}/schedules")
    assert [(s["id"], s["cron"], s["concurrencyPolicy"]) for s in schedules] == [("every-monday", "0 8 * * 1", "FORBID")]

    # A new schedule id replaces the old schedule.
    page.click("Edit")
    page.wait_heading(f"Edit {job_id}")
    page.fill("Schedule ID", "every-tuesday")
    page.fill("CRON schedule", "0 8 * * 2")
    page.click("Save changes")
    page.wait_heading(job_id)
    _, schedules = server.request("GET", f"/v1/jobs/{job_id}/schedules")
    assert [(s["id"], s["cron"]) for s in schedules] == [("every-tuesday", "0 8 * * 2")]

    page.click("Edit")
    page.wait_heading(f"Edit {job_id}")
    page.field("Run on a schedule").click()
    page.click("Save changes")
    page.wait_heading(job_id)
    assert server.request("GET", f"/v1/jobs/{job_id}/schedules") == (200, [])
