package io.facegate.shell.internal;

import io.facegate.api.operations.EnrollResult;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/** facegate:enroll NAME FILES... */
@Service
@Command(scope = "facegate", name = "enroll", description = "Enrols a person from photos (the largest face of each)")
public class EnrollCommand implements Action {
    @Reference
    GatewayOperations operations;
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "name", required = true, description = "the person's name")
    String name;

    @Argument(index = 1, name = "files", required = true, multiValued = true, description = "photos of the person")
    List<String> files;

    @Override
    public Object execute() throws CommandFailure {
        long maxBytes = PhotoFiles.maxBytes(context);
        List<Photo> photos = new ArrayList<>();
        for (String file : files) {
            PhotoFiles.Read read = PhotoFiles.read(file, maxBytes);
            if (read.photo() == null) {
                System.out.println("skipped " + file + ": " + read.problem());
            } else {
                photos.add(read.photo());
            }
        }
        if (photos.isEmpty()) {
            System.out.println("nothing enrolled: no usable photo of " + name);
            return null;
        }
        EnrollResult result;
        try {
            result = operations.enroll(name, photos);
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        for (PhotoResult p : result.photos()) {
            if (!p.enrolled()) {
                System.out.println("skipped " + p.label() + ": " + p.problem());
            } else if (p.faces() > 1) {
                System.out.println(p.label() + ": " + p.faces() + " faces, enrolled the largest");
            }
        }
        System.out.println("enrolled " + result.name() + " from " + result.enrolled() + " of " + files.size()
                + " photo(s)");
        return null;
    }
}
