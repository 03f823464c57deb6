"""The scenario explorer: move a programme's levers in the browser, see the verdict change.

Built on Panel (HoloViz): the same page runs as a local server (``labour-sim explore``) and
inside a Jupyter notebook (:func:`.app.explorer`), its widgets are plain Python objects with
no JavaScript to write, and it renders the project's matplotlib figures as they are. It is
the optional extra ``explore`` (``pip install 'labour_sim[explore]'``).

* :mod:`.state`   pure: the settings as data, the levers' sliders, the shareable link
                  (parsed strictly, through the scenario's own validation)
* :mod:`.view`    the view model: everything the page shows, as plain data
* :mod:`.session` the computation: a scenario and its settings -> a view (runs on common
                  random numbers; "what would it take"; the report of the current setting)
* :mod:`.page`    Panel widgets and layout; reads only the view model, runs nothing
* :mod:`.app`     the server on 127.0.0.1 (``--port``), one page and session per tab

Only :mod:`.app` and :mod:`.page` import Panel, so ``labour_sim.explorer.state`` and
``.session`` work without it.
"""
