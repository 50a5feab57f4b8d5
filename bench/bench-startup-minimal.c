/* bench-startup-minimal.c: the yardsticks of bench-startup.sh: a bare application window that quits after its first frame.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Built and run by bench-startup.sh next to `moped` with MOPED_EXIT_AFTER_FIRST_FRAME=1,
 * so all are measured the same way: from process start to the end of the first
 * painted frame, which each reports on stderr as "first-frame REALTIME_USEC CPU_USEC".
 *
 * Built twice: plain GTK 4, and with MINIMAL_ADW defined as a bare libadwaita window
 * (AdwApplication, AdwApplicationWindow). Moped is a libadwaita application and cannot
 * start without initialising it (its style sheet, style manager and icons), so the bare
 * libadwaita window is the yardstick its target is measured against; the plain GTK one
 * shows what libadwaita itself adds.
 */
#include <time.h>

#ifdef MINIMAL_ADW
# include <adwaita.h>
#else
# include <gtk/gtk.h>
#endif

static void
after_paint (GdkFrameClock *clock,
             GApplication  *app)
{
  struct timespec cpu = { 0, 0 };

  g_signal_handlers_disconnect_by_func (clock, after_paint, app);
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  g_printerr ("first-frame %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
              g_get_real_time (), (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000);
  g_application_quit (app);
}

static void
on_map (GtkWidget    *window,
        GApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint), app);
}

static void
activate (GtkApplication *app)
{
#ifdef MINIMAL_ADW
  GtkWidget *window = adw_application_window_new (app);
#else
  GtkWidget *window = gtk_application_window_new (app);
#endif

  gtk_window_set_title (GTK_WINDOW (window), "Minimal");
  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  g_signal_connect (window, "map", G_CALLBACK (on_map), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
#ifdef MINIMAL_ADW
  g_autoptr(GtkApplication) app = GTK_APPLICATION (adw_application_new ("org.moped.BenchMinimal",
                                                                       G_APPLICATION_DEFAULT_FLAGS));
#else
  g_autoptr(GtkApplication) app = gtk_application_new ("org.moped.BenchMinimal", G_APPLICATION_DEFAULT_FLAGS);
#endif

  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
