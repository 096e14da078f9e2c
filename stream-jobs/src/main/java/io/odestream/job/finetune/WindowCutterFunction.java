package io.odestream.job.finetune;

import io.odestream.finetune.TrainingWindow;
import io.odestream.finetune.WindowCutter;
import io.odestream.schema.Observation;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by series: cuts each series' observations, in arrival order, into training windows
 * ({@link WindowCutter} in keyed state). An observation older than the series' previous one is
 * skipped and counted (metric {@code windowCutterOutOfOrder}); one of another width than the
 * series' first is skipped and counted ({@code windowCutterWrongWidth}).
 */
public final class WindowCutterFunction extends KeyedProcessFunction<String, Observation, TrainingWindow> {
    private static final long serialVersionUID = 1L;
    /** Windows travel as generic (Kryo) records: TrainingWindow is an ode-core class with no Flink type. */
    public static final TypeInformation<TrainingWindow> WINDOW_TYPE = TypeInformation.of(TrainingWindow.class);

    private final FineTuneSettings settings;
    private transient ValueState<WindowCutter> cutter;
    private transient Counter outOfOrder;
    private transient Counter wrongWidth;
    private transient double[] values;

    public WindowCutterFunction(FineTuneSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        cutter = getRuntimeContext().getState(new ValueStateDescriptor<>("window-cutter",
                TypeInformation.of(WindowCutter.class)));
        outOfOrder = getRuntimeContext().getMetricGroup().counter("windowCutterOutOfOrder");
        wrongWidth = getRuntimeContext().getMetricGroup().counter("windowCutterWrongWidth");
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<TrainingWindow> out) throws Exception {
        List<Double> v = o.getValues();
        WindowCutter c = cutter.value();
        if (c == null) {
            c = new WindowCutter(o.getSeriesId(), v.size(), settings.windowLength(), settings.split(),
                    settings.stride());
        }
        if (values == null || values.length != v.size()) {
            values = new double[v.size()]; // reused per event; the cutter copies it
        }
        for (int j = 0; j < values.length; j++) {
            Double x = v.get(j);
            values[j] = x == null || !Double.isFinite(x) ? Double.NaN : x; // missing, as the model reads it
        }
        long skippedBefore = c.outOfOrder();
        TrainingWindow window;
        try {
            window = c.offer(o.getEventTime().toEpochMilli(), values);
        } catch (IllegalArgumentException e) {
            wrongWidth.inc();
            return;
        }
        outOfOrder.inc(c.outOfOrder() - skippedBefore);
        cutter.update(c);
        if (window != null) {
            out.collect(window);
        }
    }
}
