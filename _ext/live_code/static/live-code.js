// « Exécuter »: the live-code mode of a section page (see _ext/live_code/__init__.py).
//
// A click on « Exécuter » finds a Jupyter server (the local one of `make serve`, the course's
// JupyterHub or Binder, as _config.yml says), loads the vendored thebe, and turns the page's
// code cells, its solutions' code and one trial cell per exercise into editable cells that
// share one kernel, in page order. Stored outputs stay until their cell is rerun.
(() => {
  "use strict";
  const config = JSON.parse(document.currentScript.dataset.config);
  const root = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);
  const MESSAGES = {
    connecting: "Connexion au noyau…",
    ready: "Noyau prêt",
    restarting: "Redémarrage du noyau…",
    noLocalServer: "Aucun serveur Jupyter local : lancez `make serve`",
    failed: "Le noyau n'a pas pu démarrer : ",
    hubToken: "Jeton d'accès au hub du cours",
    noHubToken: "Sans jeton d'accès, le hub du cours ne peut pas ouvrir de noyau",
  };
  const TRIAL = "# Votre essai\u00a0: écrivez votre code ici, puis Maj+Entrée pour l'exécuter\n";

  let bar, start, restart, status;

  function say(message, state) {
    status.textContent = message.replace(/ ([:;!?])/g, "\u00a0$1");
    bar.dataset.state = state;
  }

  function button(label, title, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "live-code-button";
    element.textContent = label;
    element.title = title;
    element.addEventListener("click", onClick);
    return element;
  }

  function mountBar() {
    const heading = document.querySelector("main article h1");
    if (!heading) return;
    bar = document.createElement("div");
    bar.className = "live-code-bar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Code exécutable");
    start = button("Exécuter", "Rendre les cellules de code de la page modifiables et exécutables", activate);
    restart = button("Redémarrer", "Redémarrer le noyau (les variables sont perdues)", restartKernel);
    restart.hidden = true;
    status = document.createElement("span");
    status.className = "live-code-status";
    status.setAttribute("role", "status");
    bar.append(start, restart, status);
    heading.after(bar);
  }

  // thebe's options to reach the kernel, or null when there is no server to reach.
  async function connection() {
    if (config.kernel === "binder") return { useBinder: true, binderOptions: config.binder };
    const server = config.kernel === "jupyterhub" ? await hubServer() : await localServer();
    if (!server) return null;
    return {
      useBinder: false,
      serverSettings: { baseUrl: server.baseUrl, token: server.token, appendToken: true },
    };
  }

  // The server of `make serve`, which hands its address and token to the page.
  async function localServer() {
    if (location.protocol === "file:") return null;
    const response = await fetch(new URL("live-server.json", root), { cache: "no-store" });
    const found = response.ok ? await response.json() : {};
    return found.baseUrl ? found : null;
  }

  // The reader's own server on the course's JupyterHub, started if need be, reached with a
  // token the reader creates on the hub's token page (kept for this tab only).
  async function hubServer() {
    const hub = config.jupyterhub_url.replace(/\/?$/, "/");
    let token = sessionStorage.getItem("live-code-hub-token");
    if (!token) {
      token = window.prompt(`${MESSAGES.hubToken} (${hub}hub/token)`);
      if (!token) return null;
      sessionStorage.setItem("live-code-hub-token", token);
    }
    const api = async (path, options = {}) => {
      const response = await fetch(`${hub}hub/api/${path}`, { ...options, headers: { Authorization: `token ${token}` } });
      if (!response.ok) throw new Error(`le hub a répondu ${response.status} à ${path}`);
      const text = await response.text(); // starting a server answers 201 or 202, often empty
      return text ? JSON.parse(text) : {};
    };
    let user = await api("user");
    if (!user.server) await api(`users/${encodeURIComponent(user.name)}/server`, { method: "POST" });
    for (let waited = 0; !user.server && waited < 120; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      user = await api("user");
    }
    if (!user.server) throw new Error("votre serveur du hub n'a pas démarré en deux minutes");
    return { baseUrl: new URL(user.server, hub).href, token };
  }

  function loadThebe() {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL("_static/thebe/thebe.css", root).href;
    document.head.append(css);
    return new Promise((resolve, reject) => {
      const thebe = document.createElement("script");
      thebe.src = new URL("_static/thebe/index.js", root).href;
      thebe.onload = resolve;
      thebe.onerror = () => reject(new Error("thebe est introuvable dans _static"));
      document.head.append(thebe);
    });
  }

  function executable(pre, output) {
    const source = document.createElement("pre");
    source.dataset.executable = "true";
    source.dataset.language = "python";
    source.textContent = pre.textContent.replace(/\n$/, "");
    pre.closest("div[class*='highlight-']").replaceWith(source);
    output.dataset.output = "true";
  }

  function newOutput(after) {
    const output = document.createElement("div");
    output.className = "cell_output live-code-output";
    after.after(output);
    return output;
  }

  // Mark the sources and their outputs, in page order (thebe pairs the n-th source with
  // the n-th output): notebook cells, the code of solutions, a trial cell after each exercise.
  function markCells() {
    const main = document.querySelector("main");
    for (const exercise of main.querySelectorAll(".exercise")) {
      const trial = document.createElement("div");
      trial.className = "cell live-code-trial";
      trial.innerHTML = '<div class="cell_input"><div class="highlight-python"><pre></pre></div></div>';
      trial.querySelector("pre").textContent = TRIAL;
      exercise.after(trial);
    }
    for (const pre of main.querySelectorAll(".cell_input pre, .solution div[class*='highlight-python'] pre")) {
      const input = pre.closest(".cell_input");
      const output = input
        ? input.parentElement.querySelector(":scope > .cell_output") || newOutput(input)
        : newOutput(pre.closest("div[class*='highlight-']"));
      executable(pre, output);
    }
  }

  // thebe's controls speak English and its editors have no accessible name.
  function frenchControls() {
    for (const run of document.querySelectorAll(".thebe-run-button")) {
      run.textContent = "▶ Exécuter";
      run.title = "Exécuter cette cellule (Maj+Entrée)";
    }
    document.querySelectorAll(".thebe-cell textarea").forEach((editor, index) => {
      editor.setAttribute("aria-label", `Code de la cellule ${index + 1} (Maj+Entrée pour l'exécuter)`);
    });
  }

  async function activate() {
    start.disabled = true;
    say(MESSAGES.connecting, "connecting");
    try {
      const reach = await connection();
      if (!reach) {
        say(config.kernel === "local" ? MESSAGES.noLocalServer : MESSAGES.noHubToken, "absent");
        start.disabled = false;
        return;
      }
      await loadThebe();
      markCells();
      const options = {
        ...reach,
        requestKernel: true,
        mountStatusWidget: false,
        mountActivateWidget: false,
        mountRunButton: true,
        mountRunAllButton: false,
        mountRestartButton: false,
        mountRestartAllButton: false,
        predefinedOutput: true,
        kernelOptions: { kernelName: config.kernel_name, path: "/" },
        codeMirrorConfig: { lineNumbers: false, lineWrapping: true },
      };
      const bootstrapped = window.thebe.bootstrap(options);
      frenchControls();
      await bootstrapped;
      say(MESSAGES.ready, "ready");
      start.hidden = true;
      restart.hidden = false;
      document.body.classList.add("live-code-active");
    } catch (error) {
      say(MESSAGES.failed + (error.message || error), "failed");
    }
  }

  async function restartKernel() {
    restart.disabled = true;
    say(MESSAGES.restarting, "connecting");
    try {
      await window.thebe.session.restart();
      say(MESSAGES.ready, "ready");
    } catch (error) {
      say(MESSAGES.failed + (error.message || error), "failed");
    } finally {
      restart.disabled = false;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountBar);
  else mountBar();
})();
