"""The jobs list: groups as folders, server-side paging, search and filters, and the
dependency graph and phone layout of the pages it leads to."""

import uuid

from selenium.webdriver.common.by import By


def job(job_id, **extra):
    spec = {"id": job_id, "run": {"cmd": "true", "cpus": 0.01, "mem": 32, "disk": 0}}
    spec.update(extra)
    return spec


def rows(page):
    return [row.get_attribute("data-job-id") for row in page.driver.find_elements(By.CSS_SELECTOR, "tbody tr[data-job-id]")]


def test_groups_paging_search_and_label_filter(page, server):
    team = f"team-{uuid.uuid4().hex[:6]}"
    for n in range(60):
        labels = {"tier": "gold" if n % 10 == 0 else "bronze"}
        status, _ = server.request("POST", "/v1/jobs", job(f"{team}.batch.job-{n:02d}", labels=labels, description=f"Batch job number {n}"))
        assert status == 201
    server.request("POST", "/v1/jobs", job(f"{team}.lonely"))

    page.open(f"#/jobs?group={team}")
    page.wait_heading(team)
    folder = page.find(".folders a")
    assert "batch" in folder.text and "60" in folder.text
    assert rows(page) == [f"{team}.lonely"]
    folder.click()

    page.wait_heading("batch")
    page.wait(lambda d: len(rows(page)) == 50, "first page is not 50 jobs")
    assert rows(page)[0] == f"{team}.batch.job-00"
    assert "1–50 of 60" in page.find(".pager").text
    page.screenshot("jobs-list-group")
    page.click("Next →")
    page.wait(lambda d: rows(page) and rows(page)[0] == f"{team}.batch.job-50", "second page did not load")
    assert len(rows(page)) == 10
    # The page is part of the URL, so Back returns to page one.
    page.driver.back()
    page.wait(lambda d: rows(page) and rows(page)[0] == f"{team}.batch.job-00", "Back did not return to page one")

    # "/" focuses the search field.
    page.driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert page.driver.switch_to.active_element.get_attribute("type") == "search"
    page.fill("Search", "number 42")
    page.wait(lambda d: rows(page) == [f"{team}.batch.job-42"], "search by description")
    page.fill("Search", "")
    page.fill("Label", "tier=gold")
    page.wait(lambda d: len(rows(page)) == 6, "label filter")
    assert all(r.endswith("0") for r in rows(page))
    assert "label=tier%3Dgold" in page.driver.current_url


def test_status_filter_finds_failed_jobs(page, server):
    prefix = f"status-{uuid.uuid4().hex[:6]}"
    server.request("POST", "/v1/jobs", job(f"{prefix}.good"))
    server.request("POST", "/v1/jobs", {"id": f"{prefix}.bad", "run": {"cmd": "exit 3", "cpus": 0.01, "mem": 32, "disk": 0}})
    server.request("POST", f"/v1/jobs/{prefix}.bad/runs")
    server.request("POST", f"/v1/jobs/{prefix}.good/runs")
    page.open(f"#/jobs?group={prefix}&status=failed")
    page.wait(lambda d: rows(page) == [f"{prefix}.bad"], "failed filter")
    badge = page.find(f"tr[data-job-id='{prefix}.bad'] .badge")
    assert badge.text == "Failed"
    page.open(f"#/jobs?group={prefix}&status=completed")
    page.wait(lambda d: rows(page) == [f"{prefix}.good"], "completed filter")
    page.open("#/jobs")
    page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".folders a"), "top level shows no folders")
    page.screenshot("jobs-list")


def test_dependencies_are_drawn_as_a_graph(page, server):
    prefix = f"deps-{uuid.uuid4().hex[:6]}"
    for name, parents in [("extract", []), ("transform", ["extract"]), ("load", ["transform"]), ("report", ["transform"])]:
        extra = {"dependencies": [{"id": f"{prefix}.{p}"} for p in parents]} if parents else {}
        status, body = server.request("POST", "/v1/jobs", job(f"{prefix}.{name}", **extra))
        assert status == 201, body
    page.open(f"#/jobs/{prefix}.transform")
    page.wait_heading("transform")
    graph = page.find("svg.dependency-graph")
    nodes = graph.find_elements(By.CSS_SELECTOR, "a.node")
    assert sorted(n.find_element(By.TAG_NAME, "title").get_attribute("textContent") for n in nodes) == sorted(
        f"{prefix}.{n}" for n in ["extract", "transform", "load", "report"])
    assert len(graph.find_elements(By.CSS_SELECTOR, "path.edge")) == 3
    current = graph.find_element(By.CSS_SELECTOR, "a.node.current title").get_attribute("textContent")
    assert current == f"{prefix}.transform"
    page.screenshot("job-detail-dependencies")
    # Each node is a link to its job.
    page.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))",
                               graph.find_element(By.CSS_SELECTOR, "a.node:not(.current)"))
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text != "transform", "node link did not navigate")


def test_phone_layout_stacks_the_table(phone, server):
    from conftest import Page

    prefix = f"phone-{uuid.uuid4().hex[:6]}"
    server.request("POST", "/v1/jobs", job(f"{prefix}.one", schedules=[{"id": "daily", "cron": "0 6 * * *"}]))
    server.request("POST", "/v1/jobs", job(f"{prefix}.two"))
    small = Page(phone, server)
    small.open(f"#/jobs?group={prefix}")
    small.wait(lambda d: len(rows(small)) == 2, "rows on the phone")
    # The header row is hidden and each cell is labelled instead.
    assert not phone.find_element(By.CSS_SELECTOR, ".jobs-table thead").is_displayed()
    cell = phone.find_element(By.CSS_SELECTOR, "tbody td[data-label='Next run']")
    assert phone.execute_script("return getComputedStyle(arguments[0], '::before').content", cell) == '"Next run"'
    # Nothing is wider than the screen.
    assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    small.screenshot("jobs-list-phone")


def test_a_page_past_the_end_offers_the_first_page(page, server):
    prefix = f"few-{uuid.uuid4().hex[:6]}"
    server.request("POST", "/v1/jobs", job(f"{prefix}.only"))
    page.open(f"#/jobs?group={prefix}&page=7")
    page.click("Go to the first page")
    page.wait(lambda d: rows(page) == [f"{prefix}.only"], "first page not shown")
    assert "page=" not in page.driver.current_url
